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
     * Measured on this 2-vCPU machine (shared with other jobs, load average about 10) with
     * {@code bench --systems dl4j-parameter-averaging --workers 1,2 --epochs 2}: DL4J's parameter averaging in
     * local[1] ran 1,237 samples/s and in local[2] 1,821 samples/s. They stand in for Orrery's own 1- and 2-worker
     * figures until its Spark trainer lands; every bench report repeats this check with Orrery's rows. The 40%
     * bound is the run-to-run spread measured on this shared machine (FIELD-NOTES.md: +-40%).
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
}
