package io.orrery.examples.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EfficiencyTest {

    @Test
    void efficiencyIsThroughputOverWorkersTimesTheOneWorkerRunOfTheSameSeries() {
        List<RunResult> rows = Efficiency.fill(List.of(BenchRows.orrery(1, 5000), BenchRows.orrery(2, 8000),
                BenchRows.dl4j(2, 4000)));
        assertEquals(1.0, rows.get(0).parallelEfficiency(), 1e-12);
        assertEquals(0.8, rows.get(1).parallelEfficiency(), 1e-12);
        assertNull(rows.get(2).parallelEfficiency(), "no 1-worker DL4J row, so no efficiency");
    }

    @Test
    void timeToAccuracyIsTheFirstPointAtOrAboveTheTarget() {
        RunResult r = BenchRows.orrery(1, 5000).withTimesToAccuracy();
        assertEquals(8.0, r.secondsTo97());
        assertNull(r.secondsTo98());
    }
}
