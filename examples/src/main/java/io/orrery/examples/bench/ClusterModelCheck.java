package io.orrery.examples.bench;

import io.orrery.examples.bench.sim.ClusterShape;
import io.orrery.examples.bench.sim.MachineModel;
import io.orrery.examples.bench.sim.MeasuredRun;
import io.orrery.examples.bench.sim.Placement;
import io.orrery.examples.bench.sim.StepPrediction;
import io.orrery.examples.bench.sim.Workload;
import io.orrery.spark.ShardPlacement;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks the simulator against every measured cluster point of a grid: Orrery's SYNC float32 rows on the loopback
 * {@code local-cluster} and on the namespace test bed at each rate and placement. {@link MachineModel} is fitted to
 * the 1-worker runs only (the loopback one, and the test bed's slowest- and fastest-rate ones with the shards in the
 * driver), with
 * the machine's core count and the crowding the harness measured beside each run; every run with more workers, and
 * the 1-worker runs at the other rates, are predictions.
 */
final class ClusterModelCheck {

    private ClusterModelCheck() {
    }

    /** The fitted model, which runs it was fitted to, and its prediction of every cluster run. */
    record Result(MachineModel model, String calibration, List<SimulationResult.Check> checks) {

        /** The fitted compute, as a workload for the data-centre predictions. */
        Workload workload(double jitter) {
            return new Workload(model.parameters(), model.batchPerWorker(),
                    model.computeSeconds() / model.batchPerWorker(), jitter);
        }
    }

    static Optional<Result> run(List<RunResult> rows, int batch) {
        return run(rows, batch, Runtime.getRuntime().availableProcessors());
    }

    static Optional<Result> run(List<RunResult> rows, int batch, int cores) {
        List<RunResult> points = rows.stream().filter(r -> r.ok() && BenchConfig.ORRERY.equals(r.config().system())
                && BenchConfig.CLUSTER_PATH.equals(r.config().path()) && "sync".equals(r.config().mode())
                && "float32".equals(r.config().encoding()) && r.config().batchPerWorker() == batch
                && r.config().shards() == 1 && r.computeMs() != null && r.steps() > 0).toList();
        Optional<RunResult> loopOne = points.stream().filter(r -> !bed(r) && r.config().workers() == 1).findFirst();
        if (loopOne.isEmpty()) {
            return Optional.empty();
        }
        // The slowest rate's 1-worker run: there the link, not the cores, takes most of the exchange.
        Optional<RunResult> capDriver = points.stream().filter(r -> bed(r) && r.config().workers() == 1
                        && TestbedMaster.parse(r.config().master()).placement() == ShardPlacement.DRIVER)
                .min((a, b) -> Double.compare(TestbedMaster.parse(a.config().master()).bitsPerSecond(),
                        TestbedMaster.parse(b.config().master()).bitsPerSecond()));
        // The fastest rate's: there the frames' CPU, not the link, takes the exchange beyond the loopback's work.
        Optional<RunResult> fastDriver = points.stream().filter(r -> bed(r) && r.config().workers() == 1
                        && TestbedMaster.parse(r.config().master()).placement() == ShardPlacement.DRIVER)
                .max((a, b) -> Double.compare(TestbedMaster.parse(a.config().master()).bitsPerSecond(),
                        TestbedMaster.parse(b.config().master()).bitsPerSecond()))
                .filter(r -> capDriver.isEmpty() || r != capDriver.get());
        List<RunResult> calibration = new ArrayList<>(List.of(loopOne.get()));
        capDriver.ifPresent(calibration::add);
        fastDriver.ifPresent(calibration::add);
        MachineModel model = MachineModel.calibrate(Workload.MNIST_MLP_PARAMETERS, batch, cores,
                TestbedSection.FRAMING_1500, measured(loopOne.get()), capDriver.map(ClusterModelCheck::measured)
                        .orElse(null), fastDriver.map(ClusterModelCheck::measured).orElse(null));
        List<SimulationResult.Check> checks = new ArrayList<>();
        for (RunResult r : points) {
            ClusterShape shape = shape(r);
            double predicted = model.samplesPerSecond(shape, r.steps() / r.config().epochs());
            StepPrediction step = model.step(shape);
            String detail = String.format(Locale.ROOT, "%.1f / %.1f ms; %.1f / %.1f ms; cpu share %s",
                    r.computeMs(), 1e3 * step.computeSeconds(), r.communicationMs() + r.waitingMs(),
                    1e3 * (step.communicationSeconds() + step.waitingSeconds()),
                    r.cpuShare() == null ? "not measured" : String.format(Locale.ROOT, "%.2f", r.cpuShare()));
            checks.add(new SimulationResult.Check(label(r) + (calibration.contains(r) ? " (fitted to it)" : ""),
                    r.config().workers(), r.samplesPerSecond(), predicted,
                    (predicted - r.samplesPerSecond()) / r.samplesPerSecond(), detail));
        }
        String text = String.format(Locale.ROOT, "fitted to the 1-worker runs %s, on %d cores: with the machine to"
                        + " itself compute %.2f ms per step, the server's own step %.2f ms (its timer), %.2f ms more"
                        + " exchange per worker, link efficiency %.2f%s, %.2f us per 1500-byte frame, epoch start %.2f s",
                String.join(", ", calibration.stream().map(ClusterModelCheck::label).toList()), cores,
                1e3 * model.computeSeconds(), 1e3 * model.serverSeconds(), 1e3 * model.perWorkerSeconds(),
                model.linkEfficiency(), capDriver.isPresent() ? "" : " (no 1-worker test-bed run: full rate assumed)",
                1e6 * model.frameSeconds(), model.epochSeconds());
        return Optional.of(new Result(model, text, checks));
    }

    private static boolean bed(RunResult r) {
        return TestbedMaster.isTestbed(r.config().master());
    }

    static ClusterShape shape(RunResult r) {
        double share = r.cpuShare() == null ? 1.0 : Math.min(1.0, r.cpuShare());
        if (!bed(r)) {
            return new ClusterShape(r.config().workers(), Placement.DRIVER, 0, share);
        }
        TestbedMaster m = TestbedMaster.parse(r.config().master());
        return new ClusterShape(r.config().workers(), m.placement() == ShardPlacement.COLOCATED ? Placement.COLOCATED
                : Placement.DRIVER, m.bitsPerSecond(), share);
    }

    static MeasuredRun measured(RunResult r) {
        double compute = r.computeMs() / 1e3;
        double exchange = (r.communicationMs() + r.waitingMs()) / 1e3;
        double outside = r.wallSeconds() - r.steps() * (compute + exchange);
        return new MeasuredRun(shape(r), r.samplesPerSecond(), compute, exchange,
                Math.max(0, outside / r.config().epochs()), r.serverStepMs() == null ? 0 : r.serverStepMs() / 1e3);
    }

    private static String label(RunResult r) {
        if (!bed(r)) {
            return "local-cluster";
        }
        TestbedMaster m = TestbedMaster.parse(r.config().master());
        return "testbed " + m.rate() + " " + m.placement().name().toLowerCase(Locale.ROOT);
    }
}
