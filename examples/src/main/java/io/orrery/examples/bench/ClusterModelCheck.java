package io.orrery.examples.bench;

import io.orrery.examples.bench.sim.ClusterShape;
import io.orrery.examples.bench.sim.MachineModel;
import io.orrery.examples.bench.sim.MeasuredRun;
import io.orrery.examples.bench.sim.Placement;
import io.orrery.examples.bench.sim.StepPrediction;
import io.orrery.examples.bench.sim.Workload;
import io.orrery.ps.server.ParameterServerConfig;
import io.orrery.spark.ShardPlacement;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Checks the simulator against every measured cluster point of a grid: Orrery's SYNC float32 rows on the loopback
 * {@code local-cluster} and on the namespace test bed at each rate and placement. {@link MachineModel} is fitted to
 * three or four of them (named in the report) and predicts every one; the points it was not fitted to are the check.
 */
final class ClusterModelCheck {

    /** Aeron frames on loopback (MTU 65,536) and on a 1500-byte link, as the server chooses them. */
    static final int LOOPBACK_MTU = 65_504;
    static final int ETHERNET_MTU = 1_408;

    private ClusterModelCheck() {
    }

    /** The fitted model, which runs it was fitted to, and its prediction of every cluster run. */
    record Result(MachineModel model, String calibration, List<SimulationResult.Check> checks) {

        /** The fitted compute, as a workload for the data-centre predictions. */
        Workload workload(double jitter) {
            return new Workload(model.parameters(), model.batchPerWorker(), model.computeSecondsPerSample(), jitter);
        }
    }

    static Optional<Result> run(List<RunResult> rows, int batch) {
        List<RunResult> points = rows.stream().filter(r -> r.ok() && BenchConfig.ORRERY.equals(r.config().system())
                && BenchConfig.CLUSTER_PATH.equals(r.config().path()) && "sync".equals(r.config().mode())
                && "float32".equals(r.config().encoding()) && r.config().batchPerWorker() == batch
                && r.config().shards() == 1 && r.computeMs() != null && r.steps() > 0).toList();
        Optional<RunResult> loopOne = first(points, r -> !bed(r) && r.config().workers() == 1);
        Optional<RunResult> loopTwo = first(points, r -> !bed(r) && r.config().workers() == 2);
        // The fastest capped rate's 1-worker runs: there the messages, not the link, take the time.
        Optional<RunResult> capDriver = fastestBed(points, ShardPlacement.DRIVER);
        Optional<RunResult> capColocated = fastestBed(points, ShardPlacement.COLOCATED);
        if (loopOne.isEmpty() || loopTwo.isEmpty() || capDriver.isEmpty()) {
            return Optional.empty();
        }
        List<RunResult> calibration = new ArrayList<>(List.of(loopOne.get(), loopTwo.get(), capDriver.get()));
        capColocated.ifPresent(calibration::add);
        MachineModel model = MachineModel.calibrate(Workload.MNIST_MLP_PARAMETERS, batch, TestbedSection.FRAMING_1500,
                measured(loopOne.get()), measured(loopTwo.get()), measured(capDriver.get()),
                capColocated.map(ClusterModelCheck::measured).orElse(null));
        List<SimulationResult.Check> checks = new ArrayList<>();
        for (RunResult r : points) {
            ClusterShape shape = shape(r);
            double predicted = model.samplesPerSecond(shape, r.steps() / r.config().epochs());
            StepPrediction step = model.step(shape);
            String detail = String.format(Locale.ROOT, "%.1f / %.1f ms; %.1f / %.1f ms", r.computeMs(),
                    1e3 * step.computeSeconds(), r.communicationMs() + r.waitingMs(),
                    1e3 * (step.communicationSeconds() + step.waitingSeconds()));
            checks.add(new SimulationResult.Check(label(r) + (calibration.contains(r) ? " (fitted to it)" : ""),
                    r.config().workers(), r.samplesPerSecond(), predicted,
                    (predicted - r.samplesPerSecond()) / r.samplesPerSecond(), detail));
        }
        String text = String.format(Locale.ROOT, "fitted to %s: compute %.3g us per sample, CPU-bound work %.2fx"
                        + " slower with 2 executors than with 1, %.2f us per message, %.2f ms fixed per step, epoch"
                        + " start %.2f s (driver) and %.2f s (colocated%s)",
                String.join(", ", calibration.stream().map(r -> label(r) + " N=" + r.config().workers()).toList()),
                model.computeSecondsPerSample() * 1e6, model.slowdown(2), model.messageSeconds() * 1e6,
                model.fixedSeconds() * 1e3, model.driverEpochSeconds(), model.colocatedEpochSeconds(),
                capColocated.isPresent() ? "" : ": no colocated 1-worker run, so the driver's");
        return Optional.of(new Result(model, text, checks));
    }

    private static boolean bed(RunResult r) {
        return TestbedMaster.isTestbed(r.config().master());
    }

    private static Optional<RunResult> first(List<RunResult> points, Predicate<RunResult> p) {
        return points.stream().filter(p).findFirst();
    }

    private static Optional<RunResult> fastestBed(List<RunResult> points, ShardPlacement placement) {
        return points.stream().filter(r -> bed(r) && r.config().workers() == 1
                        && TestbedMaster.parse(r.config().master()).placement() == placement)
                .max((a, b) -> Double.compare(TestbedMaster.parse(a.config().master()).bitsPerSecond(),
                        TestbedMaster.parse(b.config().master()).bitsPerSecond()));
    }

    static ClusterShape shape(RunResult r) {
        if (!bed(r)) {
            return new ClusterShape(r.config().workers(), Placement.DRIVER, 0,
                    ParameterServerConfig.chunkElementsFor(LOOPBACK_MTU));
        }
        TestbedMaster m = TestbedMaster.parse(r.config().master());
        return new ClusterShape(r.config().workers(), m.placement() == ShardPlacement.COLOCATED ? Placement.COLOCATED
                : Placement.DRIVER, m.bitsPerSecond(), ParameterServerConfig.chunkElementsFor(ETHERNET_MTU));
    }

    static MeasuredRun measured(RunResult r) {
        double compute = r.computeMs() / 1e3;
        double exchange = (r.communicationMs() + r.waitingMs()) / 1e3;
        double outside = r.wallSeconds() - r.steps() * (compute + exchange);
        return new MeasuredRun(shape(r), r.samplesPerSecond(), compute, exchange,
                Math.max(0, outside / r.config().epochs()));
    }

    private static String label(RunResult r) {
        if (!bed(r)) {
            return "local-cluster";
        }
        TestbedMaster m = TestbedMaster.parse(r.config().master());
        return "testbed " + m.rate() + " " + m.placement().name().toLowerCase(Locale.ROOT);
    }
}
