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

    private static final int CORES = 2;
    private static final MachineModel TRUTH = new MachineModel(Workload.MNIST_MLP_PARAMETERS, 128, CORES, 8e-3,
            3e-3, 6e-3, 0.75, 8e-6, 3.0, TestbedSection.FRAMING_1500);
    private static final int EPOCHS = 2;

    /** The row a run of the given master would give on a machine that behaves exactly as {@link #TRUTH}. */
    private static RunResult row(String master, int workers, double cpuShare) {
        BenchConfig c = new BenchConfig(BenchConfig.ORRERY, master, workers, "sync", "float32", 128, 1, EPOCHS);
        RunResult shapeOnly = new RunResult(c, RunResult.OK, null, "", 1, 1, 1, null, 1.0, 1.0, 1.0, 1L, 1L, null,
                null, null, 0.9, List.of()).withMachineFigures(cpuShare, null);
        ClusterShape shape = ClusterModelCheck.shape(shapeOnly);
        long stepsPerEpoch = 60_000 / (128L * workers);
        StepPrediction step = TRUTH.step(shape);
        double sps = TRUTH.samplesPerSecond(shape, stepsPerEpoch);
        double wall = EPOCHS * stepsPerEpoch * workers * 128 / sps;
        // The server's timer as a 1-worker run reports it: its own step, stretched by the crowding.
        double stretch = MachineModel.dilation(1 + Math.max(0, CORES / cpuShare - 2), CORES);
        return new RunResult(c, RunResult.OK, null, "", wall, stepsPerEpoch * EPOCHS, sps, null,
                1e3 * step.computeSeconds(), 1e3 * step.communicationSeconds(), 1e3 * step.waitingSeconds(),
                1_600_000L * workers * stepsPerEpoch * EPOCHS, 1_600_000L * workers * stepsPerEpoch * EPOCHS, null,
                null, null, 0.9, List.of()).withMachineFigures(cpuShare, 1e3 * TRUTH.serverSeconds() * stretch);
    }

    @Test
    void fittedToTheOneWorkerRunsTheModelPredictsEveryClusterRunOfTheMachineThatMadeThem() {
        List<RunResult> rows = new ArrayList<>();
        rows.add(BenchRows.orrery(1, 5000));  // a local[1] row: not a cluster point
        for (int n = 1; n <= 2; n++) {
            rows.add(row("local-cluster[" + n + ",1,2048]", n, n == 1 ? 0.4 : 0.5));
            for (String rate : List.of("1gbit", "10gbit")) {
                rows.add(row("testbed[2," + rate + ",driver]", n, 0.6));
                rows.add(row("testbed[2," + rate + ",colocated]", n, 0.6));
            }
        }
        ClusterModelCheck.Result result = ClusterModelCheck.run(rows, 128, CORES).orElseThrow();
        assertEquals(10, result.checks().size());
        for (SimulationResult.Check c : result.checks()) {
            assertEquals(0, c.relativeError(), 1e-9, c.toString());
            // Measured and predicted compute and exchange side by side: equal here, as the machine is the model.
            String[] d = c.stepDetail().split("[ /;ms]+");
            assertEquals(d[0], d[1], c.stepDetail());
            assertEquals(d[2], d[3], c.stepDetail());
        }
        assertEquals(3, result.checks().stream().filter(c -> c.path().endsWith("(fitted to it)")).count());
        assertTrue(result.calibration().startsWith("fitted to the 1-worker runs local-cluster, testbed 1gbit driver,"
                + " testbed 10gbit driver, on 2 cores:"), result.calibration());
        assertEquals(TRUTH.frameSeconds(), result.model().frameSeconds(), 1e-15);
        assertEquals(TRUTH.linkEfficiency(), result.model().linkEfficiency(), 1e-9);
    }

    @Test
    void withoutATestBedRunTheLinkIsTakenAtItsFullRateAndSaidSo() {
        List<RunResult> rows = List.of(row("local-cluster[1,1,2048]", 1, 1.0), row("local-cluster[2,1,2048]", 2, 1.0),
                row("testbed[2,1gbit,driver]", 2, 1.0));
        ClusterModelCheck.Result result = ClusterModelCheck.run(rows, 128, CORES).orElseThrow();
        assertEquals(1, result.checks().stream().filter(c -> c.path().endsWith("(fitted to it)")).count());
        assertEquals(1.0, result.model().linkEfficiency(), 0);
        assertTrue(result.calibration().contains("(no 1-worker test-bed run: full rate assumed)"),
                result.calibration());
    }

    @Test
    void withoutTheLoopbackOneWorkerRunNothingIsFitted() {
        List<RunResult> rows = List.of(row("local-cluster[2,1,2048]", 2, 1.0), row("testbed[2,1gbit,driver]", 1, 1.0));
        assertTrue(ClusterModelCheck.run(rows, 128, CORES).isEmpty());
        SimulationResult sim = new SimulationBuilder(List.of(8), List.of(10.0), 1,
                WireEncoding.float32(), 128, 20e-6).build(rows).orElseThrow();
        assertTrue(sim.clusterModel().startsWith("not fitted: it needs"), sim.clusterModel());
    }
}
