package io.orrery.examples.bench;

import io.orrery.examples.bench.sim.ClusterShape;
import io.orrery.examples.bench.sim.MachineModel;
import io.orrery.examples.bench.sim.StepPrediction;
import io.orrery.examples.bench.sim.WireEncoding;
import io.orrery.examples.bench.sim.Workload;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterModelCheckTest {

    private static final MachineModel TRUTH = new MachineModel(Workload.MNIST_MLP_PARAMETERS, 128, 60e-6, 0.5,
            9e-6, 5e-3, 3.0, 8.0, TestbedSection.FRAMING_1500);
    private static final int EPOCHS = 2;

    /** The row a run of the given master would give on a machine that behaves exactly as {@link #TRUTH}. */
    private static RunResult row(String master, int workers) {
        BenchConfig c = new BenchConfig(BenchConfig.ORRERY, master, workers, "sync", "float32", 128, 1, EPOCHS);
        RunResult shapeOnly = new RunResult(c, RunResult.OK, null, "", 1, 1, 1, null, 1.0, 1.0, 1.0, 1L, 1L, null,
                null, null, 0.9, List.of());
        ClusterShape shape = ClusterModelCheck.shape(shapeOnly);
        long stepsPerEpoch = 60_000 / (128L * workers);
        StepPrediction step = TRUTH.step(shape);
        double sps = TRUTH.samplesPerSecond(shape, stepsPerEpoch);
        double wall = EPOCHS * stepsPerEpoch * workers * 128 / sps;
        return new RunResult(c, RunResult.OK, null, "", wall, stepsPerEpoch * EPOCHS, sps, null,
                1e3 * step.computeSeconds(), 1e3 * step.communicationSeconds(), 1e3 * step.waitingSeconds(),
                1_600_000L * workers * stepsPerEpoch * EPOCHS, 1_600_000L * workers * stepsPerEpoch * EPOCHS, null,
                null, null, 0.9, List.of());
    }

    @Test
    void fittedToFourClusterRunsTheModelPredictsEveryClusterRunOfTheMachineThatMadeThem() {
        List<RunResult> rows = new ArrayList<>();
        rows.add(BenchRows.orrery(1, 5000));  // a local[1] row: not a cluster point
        for (int n = 1; n <= 2; n++) {
            rows.add(row("local-cluster[" + n + ",1,2048]", n));
            for (String rate : List.of("1gbit", "10gbit")) {
                rows.add(row("testbed[2," + rate + ",driver]", n));
                rows.add(row("testbed[2," + rate + ",colocated]", n));
            }
        }
        ClusterModelCheck.Result result = ClusterModelCheck.run(rows, 128).orElseThrow();
        assertEquals(10, result.checks().size());
        for (SimulationResult.Check c : result.checks()) {
            assertEquals(0, c.relativeError(), 1e-9, c.toString());
            // Measured and predicted compute and exchange side by side: equal here, as the machine is the model.
            String[] d = c.stepDetail().split("[ /;ms]+");
            assertEquals(d[0], d[1], c.stepDetail());
            assertEquals(d[2], d[3], c.stepDetail());
        }
        assertEquals(4, result.checks().stream().filter(c -> c.path().endsWith("(fitted to it)")).count());
        assertTrue(result.calibration().startsWith("fitted to local-cluster N=1, local-cluster N=2, testbed 10gbit"
                + " driver N=1, testbed 10gbit colocated N=1:"), result.calibration());
        assertEquals(TRUTH.messageSeconds(), result.model().messageSeconds(), 1e-12);
    }

    @Test
    void withoutAColocatedOneWorkerRunTheColocatedEpochStartIsTakenAsTheDriversAndSaidSo() {
        List<RunResult> rows = List.of(row("local-cluster[1,1,2048]", 1), row("local-cluster[2,1,2048]", 2),
                row("testbed[2,1gbit,driver]", 1), row("testbed[2,1gbit,driver]", 2),
                row("testbed[2,1gbit,colocated]", 2));
        ClusterModelCheck.Result result = ClusterModelCheck.run(rows, 128).orElseThrow();
        assertEquals(3, result.checks().stream().filter(c -> c.path().endsWith("(fitted to it)")).count());
        assertEquals(TRUTH.driverEpochSeconds(), result.model().colocatedEpochSeconds(), 1e-9);
        assertTrue(result.calibration().endsWith("(colocated: no colocated 1-worker run, so the driver's)"),
                result.calibration());
    }

    @Test
    void withoutTheTestBedsOneWorkerRunsNothingIsFitted() {
        List<RunResult> rows = List.of(row("local-cluster[1,1,2048]", 1), row("local-cluster[2,1,2048]", 2),
                row("testbed[2,1gbit,driver]", 2), row("testbed[2,1gbit,colocated]", 1));
        assertTrue(ClusterModelCheck.run(rows, 128).isEmpty());
        SimulationResult sim = new SimulationBuilder(List.of(8), List.of(10.0), 1,
                WireEncoding.float32(), 128, 20e-6).build(rows).orElseThrow();
        assertTrue(sim.clusterModel().startsWith("not fitted: it needs SYNC float32 runs on local-cluster"),
                sim.clusterModel());
    }
}
