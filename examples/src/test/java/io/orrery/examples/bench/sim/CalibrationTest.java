package io.orrery.examples.bench.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CalibrationTest {

    private static Calibration fit(double oneWorkerSamplesPerSecond, int cores) {
        return Calibration.fit(new MeasuredPoint(1, oneWorkerSamplesPerSecond), Workload.MNIST_MLP_PARAMETERS, 128,
                0.05, WireEncoding.float32(), new Network(40, 5e-6, 1.0), ServerSpec.inDriver(1), cores);
    }

    @Test
    void fittedModelReproducesTheOneWorkerMeasurementExactly() {
        Calibration cal = fit(5000, 2);
        assertEquals(5000, cal.predictLocal(1).samplesPerSecond(), 1e-6);
        assertEquals(0, cal.relativeError(new MeasuredPoint(1, 5000)), 1e-12);
        assertTrue(cal.workload().computeSecondsPerSample() < 1 / 5000.0,
                "compute per sample is what remains after the modelled communication");
    }

    @Test
    void workersBeyondTheCoresShareThemAndGainNothing() {
        Calibration cal = fit(5000, 2);
        double two = cal.predictLocal(2).samplesPerSecond();
        double four = cal.predictLocal(4).samplesPerSecond();
        assertTrue(two > 1.8 * 5000 && two < 2 * 5000, "two workers on two cores nearly double: " + two);
        assertTrue(four < two, "four workers on two cores only add communication: " + four + " vs " + two);
    }

    /**
     * Measured on this 2-vCPU machine (shared with other jobs, load average 7-10) with
     * {@code bench --workers 1,2 --epochs 2}: Orrery's Spark trainer, sync, float32, parameter server in the driver,
     * batch 128 per worker, ran 6,972 samples/s in local[1] and 10,770 samples/s in local[2]. The 40% bound is the
     * run-to-run spread of throughput on this shared machine (FIELD-NOTES.md: +-40%). Every bench report repeats
     * this check with the rows it measured.
     */
    @Test
    void fittedModelPredictsOrrerysMeasuredTwoWorkerRunWithinTheMachinesNoise() {
        Calibration cal = fit(6972, 2);
        double error = cal.relativeError(new MeasuredPoint(2, 10770));
        assertTrue(Math.abs(error) < 0.40, "predicted " + cal.predictLocal(2).samplesPerSecond()
                + " samples/s for 2 workers, measured 10770: error " + error);
    }

    /**
     * The same check with DL4J's parameter averaging measured in the same way (local[1] 1,237 and local[2] 1,821
     * samples/s): a different scheme, but the model's core-sharing term applies to it as well.
     */
    @Test
    void fittedModelPredictsTheMeasuredTwoWorkerRunWithinTheMachinesNoise() {
        Calibration cal = fit(1237, 2);
        MeasuredPoint two = new MeasuredPoint(2, 1821);
        double error = cal.relativeError(two);
        assertTrue(Math.abs(error) < 0.40, "predicted " + cal.predictLocal(2).samplesPerSecond()
                + " samples/s for 2 workers, measured 1821: error " + error);
        assertTrue(error > 0, "the model has no term for other jobs on the cores, so it errs on the fast side");
    }

    @Test
    void calibrationNeedsTheOneWorkerRun() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Calibration.fit(new MeasuredPoint(2, 5000), Workload.MNIST_MLP_PARAMETERS, 128, 0.05,
                        WireEncoding.float32(), Network.ofGbit(10), ServerSpec.inDriver(1), 2));
        assertTrue(e.getMessage().contains("needs the 1-worker measurement"), e.getMessage());
    }

    @Test
    void measurementFasterThanTheModelledNetworkIsRejected() {
        // 1 Gbit/s cannot move a 1.6 MB gradient and the parameters back 5,000 / 128 times a second.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Calibration.fit(new MeasuredPoint(1, 5000), Workload.MNIST_MLP_PARAMETERS, 128, 0.05,
                        WireEncoding.float32(), Network.ofGbit(1), ServerSpec.inDriver(1), 2));
        assertTrue(e.getMessage().contains("shorter than the modelled communication"), e.getMessage());
    }

    @Test
    void aClusterFitTakesTheLinkRateFromTheMeasuredExchange() {
        // One worker at 1,000 samples/s, batch 128: a 128 ms step of which 28 ms is compute; the rest is the
        // exchange of 407,050 floats each way (3.26 MB) plus the server's update, so the link runs at ~0.27 Gbit/s.
        Calibration cal = Calibration.fitWithLink(new MeasuredPoint(1, 1000), 0.028, Workload.MNIST_MLP_PARAMETERS,
                128, 0.05, WireEncoding.float32(), 5e-6, ServerSpec.inDriver(1), 2);
        assertEquals(1000, cal.predictLocal(1).samplesPerSecond(), 1e-6);
        assertEquals(0.028 / 128, cal.workload().computeSecondsPerSample(), 1e-12);
        double gbit = cal.network().gbitPerSecond();
        assertTrue(gbit > 0.25 && gbit < 0.28, "fitted link " + gbit);
        // Two workers through the driver's one link: the exchange doubles, the compute does not.
        double two = cal.predictLocal(2).samplesPerSecond();
        assertTrue(two > 1000 && two < 2 * 1000 * 128 / (128 + 100.0) * 1.05, "two workers " + two);
    }

    @Test
    void aClusterFitRefusesASplitThatLeavesNoTimeForTheExchange() {
        assertThrows(IllegalArgumentException.class, () -> Calibration.fitWithLink(new MeasuredPoint(1, 1000), 0.2,
                Workload.MNIST_MLP_PARAMETERS, 128, 0.05, WireEncoding.float32(), 5e-6, ServerSpec.inDriver(1), 2));
    }
}
