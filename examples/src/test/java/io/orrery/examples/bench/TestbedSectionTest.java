package io.orrery.examples.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestbedSectionTest {

    /** A 2-worker row: 100 steps, each worker 1.6 MB up and 1.6 MB down per step, 30 ms of exchange per step. */
    private static RunResult row(String master) {
        BenchConfig c = new BenchConfig(BenchConfig.ORRERY, master, 2, "sync", "float32", 128, 1, 1);
        return new RunResult(c, RunResult.OK, null, "2026-12-02T18:00:00Z", 10, 100, 2560, 40.0, 10.0, 5.0, 25.0,
                2 * 100 * 1_600_000L, 2 * 100 * 1_600_000L, null, null, null, 0.95, List.of());
    }

    @Test
    void theDriversLinkCarriesEveryWorkersBytesAColocatedHostHalfOfOneWorkersAtTwoWorkers() {
        RunResult driver = row("testbed[2,1gbit,driver]");
        double framed = 3.2e6 * TestbedSection.FRAMING_1500;
        assertEquals(2 * framed * 8 / 1e9, TestbedSection.linkSeconds(driver, TestbedMaster.parse(
                driver.config().master())), 1e-9);
        RunResult colocated = row("testbed[2,1gbit,colocated]");
        assertEquals(0.5 * framed * 8 / 1e9, TestbedSection.linkSeconds(colocated, TestbedMaster.parse(
                colocated.config().master())), 1e-9);
        assertEquals(0.030, TestbedSection.exchangeSeconds(driver), 1e-12);
    }

    @Test
    void reportTableShowsExchangeAgainstLinkPerRateAndPlacement() {
        StringBuilder md = new StringBuilder();
        TestbedSection.write(md, List.of(row("testbed[2,1gbit,driver]"), row("testbed[2,10gbit,colocated]")));
        String text = md.toString();
        assertTrue(text.contains("## Test bed: exchange against the link"), text);
        // 2 x 3.2 MB x 1450/1376 at 1 Gbit/s: 54.0 ms; the 30 ms exchange is 0.56 of it, within the target.
        assertTrue(text.contains("| 1gbit | driver | 2 | 2560 |"), text);
        assertTrue(text.contains("| 54.0 | 30.0 | 0.56 (yes) |"), text);
        assertTrue(text.contains("| 10gbit | colocated | 2 |"), text);
    }
}
