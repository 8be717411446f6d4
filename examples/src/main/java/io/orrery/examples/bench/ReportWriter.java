package io.orrery.examples.bench;

import io.orrery.examples.bench.sim.MachineModel;
import io.orrery.examples.bench.sim.ModelProfile;
import io.orrery.examples.bench.sim.StepPrediction;
import io.orrery.examples.bench.sim.StepSimulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Writes {@code report.md}: per model, the results table, Orrery against core's fit and against DL4J, cluster
 * against local; then the models side by side, the charts and the simulation (fitted to the MLP's rows).
 */
public final class ReportWriter {

    public static final String FILE_NAME = "report.md";

    private ReportWriter() {
    }

    /**
     * Writes the report into {@code outDir}, embedding the chart files by relative name.
     *
     * @param rows       rows with efficiency and time-to-accuracy already filled
     * @param simulation the simulator's section, or null to leave it out
     */
    public static Path write(Path outDir, List<RunResult> rows, SimulationResult simulation) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Orrery scaling benchmark\n\n");
        List<String> models = modelsOf(rows);
        md.append(String.format(Locale.ROOT, "Generated %s on %d cores, Java %s, %s %s. Workload%s: %s; 60,000"
                        + " training images.%n%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"), models.size() > 1 ? "s" : "",
                models.stream().map(m -> (models.size() > 1 ? m + " = " : "") + ModelSection.describe(m))
                        .collect(Collectors.joining("; "))));
        // One set of tables per model: a model's efficiency, overhead and cluster share are against its own rows.
        for (String model : models) {
            List<RunResult> ofModel = rowsOf(rows, model);
            if (models.size() > 1) {
                md.append("## Model: ").append(model).append("\n\n");
            }
            results(md, ofModel);
            overheadOverCore(md, ofModel);
            if (BenchConfig.MLP.equals(model) || ofModel.stream().anyMatch(r -> r.config().isBaseline())) {
                comparison(md, ofModel);
            } else {
                md.append("The DL4J baseline trains the MLP only: no Orrery/DL4J ratio for the ").append(model)
                        .append(".\n\n");
            }
            ClusterSection.write(md, ofModel);
            TestbedSection.write(md, ofModel);
        }
        ModelSection.write(md, rows);
        md.append("## Charts\n\n");
        md.append("![Throughput against workers](").append(ChartWriter.THROUGHPUT).append(")\n\n");
        md.append("![Parallel efficiency against workers](").append(ChartWriter.EFFICIENCY).append(")\n\n");
        md.append("![Test accuracy against wall time](").append(ChartWriter.ACCURACY).append(")\n\n");
        if (simulation != null) {
            simulation(md, simulation);
        }
        Files.createDirectories(outDir);
        Path file = outDir.resolve(FILE_NAME);
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
        return file;
    }

    /** The models the rows trained, in {@link BenchConfig#MODELS} order; the MLP alone when there are no rows. */
    static List<String> modelsOf(List<RunResult> rows) {
        List<String> models = BenchConfig.MODELS.stream()
                .filter(m -> rows.stream().anyMatch(r -> m.equals(r.config().model()))).toList();
        return models.isEmpty() ? List.of(BenchConfig.MLP) : models;
    }

    /** The rows of one model, in their order. */
    static List<RunResult> rowsOf(List<RunResult> rows, String model) {
        return rows.stream().filter(r -> model.equals(r.config().model())).toList();
    }

    private static void results(StringBuilder md, List<RunResult> rows) {
        md.append("## Runs\n\n");
        md.append("| system | master | workers | mode | encoding | batch/worker | shards | epochs | samples/s |"
                + " step ms (compute / comm / wait) | MB sent / recv | efficiency | s to 97% | s to 98% |"
                + " final acc | status |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult r : rows) {
            BenchConfig c = r.config();
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %d | %d | %d | %s | %s | %s | %s | %s"
                            + " | %s | %s | %s |%n",
                    c.system(), c.master(), c.workers(), c.mode(), c.encoding(), c.batchPerWorker(), c.shards(),
                    c.epochs(), r.ok() ? fmt("%.0f", r.samplesPerSecond()) : "-", stepSplit(r), bytes(r),
                    r.parallelEfficiency() == null ? "-" : fmt("%.2f", r.parallelEfficiency()),
                    r.secondsTo97() == null ? "-" : fmt("%.1f", r.secondsTo97()),
                    r.secondsTo98() == null ? "-" : fmt("%.1f", r.secondsTo98()),
                    r.ok() ? fmt("%.4f", r.finalAccuracy()) : "-",
                    r.ok() ? "ok" : "failed: " + escape(r.error())));
        }
        md.append('\n');
    }

    /**
     * Each 1-worker Orrery row against core's single-process fit of the same batch and epochs: how much of core's
     * throughput the trainer keeps when it adds Spark and the parameter-server exchange to every step.
     */
    private static void overheadOverCore(StringBuilder md, List<RunResult> rows) {
        List<String[]> lines = new ArrayList<>();
        for (RunResult o : rows) {
            BenchConfig c = o.config();
            if (!o.ok() || !BenchConfig.ORRERY.equals(c.system()) || c.workers() != 1) {
                continue;
            }
            rows.stream().filter(r -> r.ok() && BenchConfig.CORE_FIT.equals(r.config().system())
                            && r.config().batchPerWorker() == c.batchPerWorker() && r.config().epochs() == c.epochs())
                    .findFirst().ifPresent(core -> lines.add(new String[]{c.seriesLabel(), c.master(),
                            fmt("%.0f", o.samplesPerSecond()), fmt("%.0f", core.samplesPerSecond()),
                            fmt("%.0f%%", 100 * o.samplesPerSecond() / core.samplesPerSecond()),
                            fmt("%+.0f%%", 100 * (core.samplesPerSecond() / o.samplesPerSecond() - 1))}));
        }
        if (lines.isEmpty()) {
            return;
        }
        md.append("## Orrery's trainer against core's fit (1 worker)\n\n");
        md.append("Time overhead = core's samples/s / the trainer's - 1 (the issue's target: under 10%).\n\n");
        md.append("| series | master | trainer samples/s | core fit samples/s | share of core | time overhead |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (String[] l : lines) {
            md.append("| ").append(String.join(" | ", l)).append(" |\n");
        }
        md.append('\n');
    }

    /** Per path (local, cluster): at each worker count, Orrery's best over DL4J's best on the same path. */
    private static void comparison(StringBuilder md, List<RunResult> rows) {
        md.append("## Orrery against the DL4J baseline\n\n");
        md.append("Each path against the same path: `local` is one JVM (`local[N]`), `cluster` is N executor JVMs"
                + " of one core each (`local-cluster[N,1,MB]`).\n\n");
        md.append("| path | workers | best Orrery samples/s | best DL4J samples/s (system) | ratio Orrery / DL4J |\n");
        md.append("|---|---|---|---|---|\n");
        boolean any = false;
        for (String path : List.of(BenchConfig.LOCAL_PATH, BenchConfig.CLUSTER_PATH)) {
            Map<Integer, Optional<RunResult>> orrery = best(rows, r -> BenchConfig.ORRERY.equals(r.config().system())
                    && path.equals(r.config().path()));
            Map<Integer, Optional<RunResult>> dl4j = best(rows, r -> r.config().isBaseline()
                    && path.equals(r.config().path()));
            TreeSet<Integer> both = new TreeSet<>(orrery.keySet());
            both.retainAll(dl4j.keySet());
            for (int n : both) {
                RunResult o = orrery.get(n).orElseThrow();
                RunResult d = dl4j.get(n).orElseThrow();
                md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f (%s) | **%.2fx** |%n", path, n,
                        o.samplesPerSecond(), d.samplesPerSecond(), d.config().system(),
                        o.samplesPerSecond() / d.samplesPerSecond()));
                any = true;
            }
        }
        md.append(any ? "\n" : "\nNo path has both an Orrery row and a DL4J row at one worker count yet, so no ratio can be"
                + " stated.\n\n");
    }

    static Map<Integer, Optional<RunResult>> best(List<RunResult> rows,
                                                          Predicate<RunResult> system) {
        return rows.stream().filter(r -> r.ok() && system.test(r))
                .collect(Collectors.groupingBy(r -> r.config().workers(), TreeMap::new,
                        Collectors.maxBy(Comparator.comparingDouble(RunResult::samplesPerSecond))));
    }

    private static void simulation(StringBuilder md, SimulationResult sim) {
        md.append("## Beyond this machine: simulated synchronous steps\n\n");
        md.append(String.format(Locale.ROOT, "Compute per sample %.3g us, fitted to %s. Encoding %s; Orrery's"
                        + " server with %d shard(s) spread over as many hosts.%n%n",
                sim.computeSecondsPerSample() * 1e6, sim.calibrationSource(), sim.encoding(), sim.shards()));
        if (sim.clusterModel() != null) {
            md.append("Clusters on this machine (local-cluster on loopback, the test bed at each rate and placement):"
                    + " the step model with the machine's shared cores (threads beyond the cores stretch the work,"
                    + " other jobs' threads counted from a CPU-share probe beside each run), the server's own step"
                    + " and per-worker work, and the rate caps, ")
                    .append(sim.clusterModel()).append(". The points it was not fitted to are its check (target:"
                    + " within 15%). Its assumptions:\n\n");
            for (String a : MachineModel.ASSUMPTIONS) {
                md.append("- ").append(a).append('\n');
            }
            md.append('\n');
        }
        if (!sim.checks().isEmpty()) {
            md.append("Check against measured points on this machine:\n\n");
            md.append("| path (fit) | workers | measured samples/s | predicted samples/s | error | compute per step"
                    + " measured / predicted; exchange per step measured / predicted |\n|---|---|---|---|---|---|\n");
            for (SimulationResult.Check c : sim.checks()) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %+.1f%% | %s |%n", c.path(),
                        c.workers(), c.measured(), c.predicted(), 100 * c.relativeError(),
                        c.stepDetail() == null ? "-" : c.stepDetail()));
            }
            md.append('\n');
        }
        md.append("![Simulated throughput](").append(ChartWriter.SIM_THROUGHPUT).append(")\n\n");
        md.append("![Simulated efficiency](").append(ChartWriter.SIM_EFFICIENCY).append(")\n\n");
        md.append("| method | Gbit/s | workers | step ms (compute / comm / wait) | samples/s | efficiency |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (StepPrediction p : sim.predictions()) {
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %d | %.2f (%.2f / %.2f / %.2f) | %.0f | %.2f |%n",
                    p.method(), p.gbitPerSecond(), p.workers(), 1e3 * p.stepSeconds(), 1e3 * p.computeSeconds(),
                    1e3 * p.communicationSeconds(), 1e3 * p.waitingSeconds(), p.samplesPerSecond(), p.efficiency()));
        }
        md.append('\n');
        ScalingStudy.write(md, ModelProfile.mnistMlp(sim.computeSecondsPerSample(),
                sim.calibrationSource()));
        md.append("Assumptions of the model:\n\n");
        for (String a : StepSimulator.ASSUMPTIONS) {
            md.append("- ").append(a).append('\n');
        }
        md.append('\n');
    }

    static String stepSplit(RunResult r) {
        if (r.stepMs() == null) {
            return "-";
        }
        return fmt("%.2f", r.stepMs()) + " (" + opt(r.computeMs()) + " / " + opt(r.communicationMs()) + " / "
                + opt(r.waitingMs()) + ")";
    }

    private static String bytes(RunResult r) {
        if (r.bytesSent() == null && r.bytesReceived() == null) {
            return "-";
        }
        return opt(r.bytesSent() == null ? null : r.bytesSent() / 1e6) + " / "
                + opt(r.bytesReceived() == null ? null : r.bytesReceived() / 1e6);
    }

    private static String opt(Double v) {
        return v == null ? "-" : fmt("%.2f", v);
    }

    static String fmt(String f, double v) {
        return String.format(Locale.ROOT, f, v);
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
