package io.orrery.examples.bench.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MachineModelTest {

    private static final long P = Workload.MNIST_MLP_PARAMETERS;
    private static final double FRAMING = 1450.0 / 1280;
    /** The server's chunks on loopback and on a 1500-byte link. */
    private static final int LOOP_CHUNK = 16_344;
    private static final int ETH_CHUNK = 320;
    private static final long STEPS = 234;

    /** A machine whose constants the calibration must find again from four of its runs. */
    private static final MachineModel TRUTH = new MachineModel(P, 128, 50e-6, 0.4, 8e-6, 4e-3, 2.0, 5.0, FRAMING);

    private static MeasuredRun run(MachineModel m, ClusterShape s) {
        StepPrediction step = m.step(s);
        return new MeasuredRun(s, m.samplesPerSecond(s, STEPS), step.computeSeconds(),
                step.communicationSeconds() + step.waitingSeconds(),
                s.placement() == Placement.COLOCATED ? m.colocatedEpochSeconds() : m.driverEpochSeconds());
    }

    private static ClusterShape loop(int n) {
        return new ClusterShape(n, Placement.DRIVER, 0, LOOP_CHUNK);
    }

    private static ClusterShape bed(int n, Placement p, double gbit) {
        return new ClusterShape(n, p, gbit * 1e9, ETH_CHUNK);
    }

    private static MachineModel calibrated(MachineModel truth) {
        return MachineModel.calibrate(P, 128, FRAMING, run(truth, loop(1)), run(truth, loop(2)),
                run(truth, bed(1, Placement.DRIVER, 10)), run(truth, bed(1, Placement.COLOCATED, 10)));
    }

    @Test
    void calibrationFindsTheConstantsOfTheMachineThatProducedItsFourRuns() {
        MachineModel fitted = calibrated(TRUTH);
        assertEquals(TRUTH.computeSecondsPerSample(), fitted.computeSecondsPerSample(), 1e-12);
        assertEquals(TRUTH.contentionPerWorker(), fitted.contentionPerWorker(), 1e-9);
        assertEquals(TRUTH.messageSeconds(), fitted.messageSeconds(), 1e-12);
        assertEquals(TRUTH.fixedSeconds(), fitted.fixedSeconds(), 1e-9);
        assertEquals(TRUTH.colocatedEpochSeconds(), fitted.colocatedEpochSeconds(), 1e-12);
        ClusterShape check = bed(2, Placement.COLOCATED, 1);
        assertEquals(TRUTH.samplesPerSecond(check, STEPS), fitted.samplesPerSecond(check, STEPS), 1e-6);
    }

    @Test
    void onACappedLinkTheDriversLinkCarriesFourTimesWhatAColocatedHostDoesAtTwoWorkers() {
        // No per-message cost, so that only the link counts: driver N x (G + P), colocated (N-1)/N x (G + P).
        MachineModel linkOnly = new MachineModel(P, 128, 50e-6, 0, 1e-12, 0, 0, 0, FRAMING);
        StepPrediction driver = linkOnly.step(bed(2, Placement.DRIVER, 1));
        StepPrediction colocated = linkOnly.step(bed(2, Placement.COLOCATED, 1));
        double phase = 2 * P * 4.0 * FRAMING * 8 / 1e9;
        assertEquals(2 * phase, driver.communicationSeconds(), 1e-9);
        assertEquals(2 * phase / 4, colocated.communicationSeconds(), 1e-9);
    }

    @Test
    void smallMessagesCostMoreCpuThanTheFastLinkTakes() {
        double ten = TRUTH.step(bed(1, Placement.DRIVER, 10)).communicationSeconds();
        double loopback = TRUTH.step(loop(1)).communicationSeconds();
        // 1,273 messages per phase at 8 us against 25: the 10 Gbit/s link's 1.5 ms per phase is not the limit.
        assertEquals(TRUTH.fixedSeconds() + 2 * 1273 * 8e-6, ten, 1e-9);
        assertTrue(ten > 10 * (loopback - TRUTH.fixedSeconds()), ten + " vs " + loopback);
    }

    @Test
    void everyExecutorBeyondTheFirstSlowsComputeAndTheFixedRoundTripButNotTheMessages() {
        assertEquals(1.4, TRUTH.slowdown(2), 1e-12);
        StepPrediction one = TRUTH.step(loop(1));
        StepPrediction two = TRUTH.step(loop(2));
        assertEquals(1.4 * one.computeSeconds(), two.computeSeconds(), 1e-12);
        // The driver's server handles both workers' messages (2 x 25 per phase) at the uncontended cost.
        assertEquals(1.4 * TRUTH.fixedSeconds() + 2 * 2 * 25 * 8e-6, two.communicationSeconds(), 1e-9);
    }

    @Test
    void theDriversServerHandlesEveryWorkersMessagesAColocatedShardOneWorkersWorth() {
        // At 10 Gbit/s the messages, not the link, take the time: 2 x 1,273 per phase in the driver, 1,273 in a shard.
        double driver = TRUTH.step(bed(2, Placement.DRIVER, 10)).communicationSeconds();
        double colocated = TRUTH.step(bed(2, Placement.COLOCATED, 10)).communicationSeconds();
        double fixed = TRUTH.slowdown(2) * TRUTH.fixedSeconds();
        assertEquals(2 * 2 * 1273 * 8e-6, driver - fixed, 1e-9);
        assertEquals(2 * 1273 * 8e-6, colocated - fixed, 1e-9);
    }

    @Test
    void calibrationRefusesRunsOfTheWrongShape() {
        MeasuredRun one = run(TRUTH, loop(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MachineModel.calibrate(P,
                128, FRAMING, one, one, run(TRUTH, bed(1, Placement.DRIVER, 10)),
                run(TRUTH, bed(1, Placement.COLOCATED, 10))));
        assertTrue(e.getMessage().startsWith("Calibration expected a 2-worker run with shards in DRIVER on"
                + " loopback, found ClusterShape[workers=1"), e.getMessage());
    }
}
