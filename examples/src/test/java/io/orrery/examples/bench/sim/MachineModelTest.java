package io.orrery.examples.bench.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MachineModelTest {

    private static final long P = Workload.MNIST_MLP_PARAMETERS;
    private static final double FRAMING = 1450.0 / 1376;
    private static final long STEPS = 234;
    private static final int CORES = 2;

    /** A 2-core machine whose constants the calibration must find again from its two 1-worker runs. */
    private static final MachineModel TRUTH = new MachineModel(P, 128, CORES, 8e-3, 3e-3, 5e-3, 0.8, 8e-6, 2.0, FRAMING);

    private static MeasuredRun run(MachineModel m, ClusterShape s) {
        StepPrediction step = m.step(s);
        return new MeasuredRun(s, m.samplesPerSecond(s, STEPS), step.computeSeconds(),
                step.communicationSeconds() + step.waitingSeconds(),
                m.epochSeconds() * MachineModel.dilation(1 + MachineModel.background(s, 1, CORES), CORES),
                m.serverSeconds() * MachineModel.dilation(1 + MachineModel.background(s, 1, CORES), CORES));
    }

    private static ClusterShape loop(int n, double share) {
        return new ClusterShape(n, Placement.DRIVER, 0, share);
    }

    private static ClusterShape bed(int n, Placement p, double gbit, double share) {
        return new ClusterShape(n, p, gbit * 1e9, share);
    }

    @Test
    void calibrationFromTheOneWorkerRunsFindsTheMachineThatMadeThemEvenOnACrowdedMachine() {
        // The loopback run saw a crowded machine (a newcomer got a quarter of a core), the test-bed run an idle one.
        MachineModel fitted = MachineModel.calibrate(P, 128, CORES, FRAMING, run(TRUTH, loop(1, 0.25)),
                run(TRUTH, bed(1, Placement.DRIVER, 1, 1.0)), run(TRUTH, bed(1, Placement.DRIVER, 10, 0.5)));
        assertEquals(TRUTH.computeSeconds(), fitted.computeSeconds(), 1e-12);
        assertEquals(TRUTH.serverSeconds(), fitted.serverSeconds(), 1e-12);
        assertEquals(TRUTH.perWorkerSeconds(), fitted.perWorkerSeconds(), 1e-12);
        assertEquals(TRUTH.linkEfficiency(), fitted.linkEfficiency(), 1e-9);
        assertEquals(TRUTH.frameSeconds(), fitted.frameSeconds(), 1e-15);
        assertEquals(TRUTH.epochSeconds(), fitted.epochSeconds(), 1e-12);
        ClusterShape check = bed(2, Placement.DRIVER, 10, 0.5);
        assertEquals(TRUTH.samplesPerSecond(check, STEPS), fitted.samplesPerSecond(check, STEPS), 1e-6);
    }

    @Test
    void contentionStartsOnlyWhenThreadsExceedCores() {
        assertEquals(1.0, MachineModel.dilation(1, 2), 0);
        assertEquals(1.0, MachineModel.dilation(2, 2), 0);
        assertEquals(1.5, MachineModel.dilation(3, 2), 1e-12);
        // Two workers on two idle cores compute as fast as one; where a newcomer got two thirds of a core, other
        // jobs' threads join the workers' and stretch their compute.
        assertEquals(TRUTH.step(loop(1, 1)).computeSeconds(), TRUTH.step(loop(2, 1)).computeSeconds(), 1e-15);
        double crowded = TRUTH.step(loop(2, 2.0 / 3)).computeSeconds();
        assertTrue(crowded > TRUTH.computeSeconds(), crowded + " vs " + TRUTH.computeSeconds());
    }

    @Test
    void theDriversServerHandlesWorkersOneAfterAnotherAndItsOwnStepOnce() {
        double one = TRUTH.step(loop(1, 1)).communicationSeconds();
        double two = TRUTH.step(loop(2, 1)).communicationSeconds();
        assertEquals(TRUTH.serverSeconds() + TRUTH.perWorkerSeconds(), one, 1e-15);
        assertEquals(TRUTH.serverSeconds() + 2 * TRUTH.perWorkerSeconds(), two, 1e-15);
    }

    @Test
    void aLinkBoundExchangeScalesWithTheBusiestLinksBytesOverTheRate() {
        MachineModel linkOnly = new MachineModel(P, 128, CORES, 8e-3, 0, 0, 1.0, 0, 0, FRAMING);
        double bytes = 2 * P * 4.0 * FRAMING;
        assertEquals(bytes * 8 / 1e9, linkOnly.step(bed(1, Placement.DRIVER, 1, 1)).communicationSeconds(), 1e-12);
        // The driver's link carries every worker's bytes; a tenfold rate takes a tenth of the time.
        assertEquals(2 * bytes * 8 / 1e9, linkOnly.step(bed(2, Placement.DRIVER, 1, 1)).communicationSeconds(),
                1e-12);
        assertEquals(2 * bytes * 8 / 1e10, linkOnly.step(bed(2, Placement.DRIVER, 10, 1)).communicationSeconds(),
                1e-12);
        // A colocated host carries (N-1)/N of one worker's: a quarter of the driver's at two workers.
        assertEquals(0.5 * bytes * 8 / 1e9,
                linkOnly.step(bed(2, Placement.COLOCATED, 1, 1)).communicationSeconds(), 1e-12);
    }

    @Test
    void onASlowLinkTheServersOwnStepAddsToTheTransferAndTheMovingOfBytesHidesBehindIt() {
        MachineModel half = new MachineModel(P, 128, CORES, 8e-3, 3e-3, 5e-3, 0.5, 0, 0, FRAMING);
        double link = MachineModel.linkSeconds(P, FRAMING, bed(1, Placement.DRIVER, 1, 1));
        // 3 ms of optimizer, then the window-limited transfer (2 x 27.5 ms); the 5 ms per worker goes on meanwhile.
        assertEquals(3e-3 + 2 * link, half.step(bed(1, Placement.DRIVER, 1, 1)).communicationSeconds(), 1e-12);
    }

    @Test
    void twoWorkersWindowsFillTheDriversLinkWhereOneWorkersCouldNot() {
        MachineModel half = new MachineModel(P, 128, CORES, 8e-3, 0, 0, 0.5, 0, 0, FRAMING);
        double one = MachineModel.linkSeconds(P, FRAMING, bed(1, Placement.DRIVER, 1, 1));
        assertEquals(2 * one, half.step(bed(1, Placement.DRIVER, 1, 1)).communicationSeconds(), 1e-12);
        // Two streams at half the rate each: the link is full, and carries twice the bytes in twice one's link time.
        assertEquals(2 * one, half.step(bed(2, Placement.DRIVER, 1, 1)).communicationSeconds(), 1e-12);
    }

    @Test
    void atTenGigabitTheFramesCpuNotTheLinkSetsThePace() {
        MachineModel framesOnly = new MachineModel(P, 128, CORES, 8e-3, 0, 0, 1.0, 8e-6, 0, FRAMING);
        double frames = Math.ceil(2 * P * 4.0 / 1376);
        // 10 Gbit/s: 2.7 ms of link against 2,367 frames x 8 us = 18.9 ms of CPU.
        assertEquals(frames * 8e-6, framesOnly.step(bed(1, Placement.DRIVER, 10, 1)).communicationSeconds(), 1e-12);
        // 100 Mbit/s: the link's 275 ms is the slower.
        assertEquals(MachineModel.linkSeconds(P, FRAMING, bed(1, Placement.DRIVER, 0.1, 1)),
                framesOnly.step(bed(1, Placement.DRIVER, 0.1, 1)).communicationSeconds(), 1e-12);
        // The driver's host passes both workers' frames.
        assertEquals(2 * frames * 8e-6, framesOnly.step(bed(2, Placement.DRIVER, 10, 1)).communicationSeconds(),
                1e-12);
    }

    @Test
    void calibrationRefusesRunsOfTheWrongShape() {
        MeasuredRun two = run(TRUTH, loop(2, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MachineModel.calibrate(P,
                128, CORES, FRAMING, two, null));
        assertTrue(e.getMessage().startsWith("Calibration expected a 1-worker run with shards in DRIVER on"
                + " loopback, found ClusterShape[workers=2"), e.getMessage());
    }
}
