package io.orrery.examples.chaos;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The accuracy rule of the chaos matrix: within 0.3 points of the range of a mode's unfaulted runs. */
class AccuracyBandTest {

    private static final double TOLERANCE = ChaosCommand.TOLERANCE_POINTS;
    /** ASYNC unfaulted runs measured at 600 steps on 2026-12-03 (one under heavy load). */
    private final AccuracyBand async = new AccuracyBand(List.of(0.9160, 0.8956, 0.9171));

    @Test
    void aRunInsideTheUnfaultedRangeOrWithinTheTolerancePasses() {
        assertEquals(0.8956, async.low(), 1e-12);
        assertEquals(0.9171, async.high(), 1e-12);
        assertTrue(async.contains(0.9050, TOLERANCE));
        assertTrue(async.contains(0.8927, TOLERANCE), "0.29 points below the lowest unfaulted run");
        assertTrue(async.contains(0.9199, TOLERANCE), "0.28 points above the highest");
    }

    @Test
    void aRunWorseThanTheBandByMoreThanTheToleranceFails() {
        assertFalse(async.contains(0.8925, TOLERANCE), "0.31 points below the lowest unfaulted run");
        assertFalse(async.contains(0.36, TOLERANCE));
    }

    @Test
    void aRunBetterThanEveryUnfaultedRunByMoreThanTheToleranceFails() {
        assertFalse(async.contains(0.9202, TOLERANCE));
    }

    @Test
    void unfinishedRunsAreLeftOutAndNothingIsJudgedWithoutAReference() {
        AccuracyBand band = new AccuracyBand(Arrays.asList(0.9119, Double.NaN));
        assertEquals(1, band.accuracies().size());
        assertTrue(band.contains(0.9119, TOLERANCE));
        assertFalse(AccuracyBand.NONE.contains(0.9119, TOLERANCE));
        assertFalse(band.contains(Double.NaN, TOLERANCE));
    }

    @Test
    void aResultPassesOnlyInsideItsModesBandAndIsReportedAgainstTheMean() {
        ChaosResult inside = row(0.9100).withReference(async);
        ChaosResult below = row(0.8900).withReference(async);
        assertTrue(inside.passed(TOLERANCE));
        assertFalse(below.passed(TOLERANCE));
        assertFalse(row(0.9100).passed(TOLERANCE), "no reference yet: not judged as passed");
        assertEquals((0.9100 - async.mean()) * 100, inside.accuracyDeltaPoints(), 1e-9);
        assertTrue(inside.csv().contains(",0.8956,0.9171,3,"), inside.csv());
        assertTrue(ChaosReport.bands(List.of(inside), TOLERANCE).contains("band 0.8926-0.9201"),
                ChaosReport.bands(List.of(inside), TOLERANCE));
    }

    private static ChaosResult row(double accuracy) {
        return new ChaosResult("worker-sigkill", "ASYNC", 1, "completed", 1200, 1200, 0, 0, accuracy,
                AccuracyBand.NONE, 0, 0, Double.NaN, 1.0, "");
    }
}
