package io.orrery.examples.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import io.orrery.examples.ConsoleLogging;
import io.orrery.examples.bench.sim.WireEncoding;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code bench}: the scaling benchmark. Runs a grid of configurations (models x systems x modes x encodings x
 * per-worker batches x shards x workers), records one row per run in {@code --out}/results.json as it goes (a rerun with the
 * same {@code --out} resumes, skipping finished runs), then writes results.csv, PNG charts and report.md, including
 * the simulated scaling to 8-256 workers.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scaling benchmark of the reference MNIST models (--models mlp,convnet): Orrery's Spark trainer"
                + " against DL4J's Spark training, with results.csv, results.json, PNG charts and report.md in --out.",
                "Example: bench --workers 1,2 --epochs 2 --out bench-out"})
public final class BenchCommand implements Callable<Integer> {

    /** Mode and encoding names the DL4J baseline reports for itself (see bench-dl4j's Dl4jBaseline). */
    static final String DL4J_PA_MODE = "averaging:5";
    static final String DL4J_PA_ENCODING = "float32";
    static final String DL4J_SHARED_MODE = "shared-async";
    static final String DL4J_SHARED_ENCODING = "threshold-adaptive:0.001";

    /** How core's single-process fit reads in the grid's mode and encoding columns. */
    static final String CORE_FIT_MODE = "single-process";
    static final String CORE_FIT_ENCODING = "none";

    private static final Set<String> SYSTEMS = Set.of(BenchConfig.ORRERY, BenchConfig.CORE_FIT,
            BenchConfig.DL4J_PARAMETER_AVERAGING, BenchConfig.DL4J_SHARED_TRAINING);
    private static final Pattern MODE = Pattern.compile("sync|async|bounded:[1-9][0-9]*");
    private static final Pattern MASTER = Pattern.compile("local|local\\[\\d+]|spark://.+|yarn|k8s://.+");

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, description = "Output directory (created; an existing results.json"
            + " there is resumed).")
    Path out;

    @Option(names = "--models", split = ",", defaultValue = "mlp",
            description = "Models: mlp (the reference MLP) and/or convnet (the Keras book's chapter 8 convnet, about"
                    + " 30x more compute per byte exchanged); DL4J rows are MLP only (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--workers", split = ",", defaultValue = "1,2",
            description = "Worker counts (default: ${DEFAULT-VALUE}).")
    List<Integer> workers;

    @Option(names = "--systems", split = ",",
            defaultValue = "orrery,core-fit,dl4j-parameter-averaging,dl4j-shared-training",
            description = "Systems to run (default: ${DEFAULT-VALUE}). core-fit is core's single-process fit, one"
                    + " run per batch size: the reference for the Spark trainer's overhead in local[1].")
    List<String> systems;

    @Option(names = "--modes", split = ",", defaultValue = "sync",
            description = "Orrery training modes: sync, async, bounded:S (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--encodings", split = ",", defaultValue = "float32",
            description = "Orrery gradient encodings: float32, float16, bfloat16, threshold[:density],"
                    + " topk[:density] (default: ${DEFAULT-VALUE}).")
    List<String> encodings;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "128",
            description = "Per-worker batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Option(names = "--shards", split = ",", defaultValue = "1",
            description = "Orrery parameter-server shard counts (default: ${DEFAULT-VALUE}).")
    List<Integer> shards;

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs per run (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--master", defaultValue = "local",
            description = "Spark master for Orrery runs: local (= local[N] per run), local[K], spark://HOST:PORT, yarn"
                    + " or k8s://URL (default: ${DEFAULT-VALUE}). The DL4J baseline always runs local[N].")
    String master;

    @Option(names = "--paths", split = ",", defaultValue = "local",
            description = "Comma-separated paths: local (--master, by default local[N]: one JVM, aeron:ipc) and/or"
                    + " cluster (local-cluster[N,1,MB]: a standalone master and N executor JVMs of one core each,"
                    + " gradients over aeron:udp on loopback; DL4J rows on a cluster of the same shape)"
                    + " and/or testbed (deploy/testbed.sh: one network namespace per host, 1500-byte links capped at"
                    + " each --testbed-rates, the driver on a host of its own; Orrery rows only; needs root)"
                    + " (default: ${DEFAULT-VALUE}).")
    List<String> paths;

    @Mixin
    TestbedOptions testbed = new TestbedOptions();

    @Option(names = "--cluster-worker-memory-mb", defaultValue = "2048",
            description = "Memory of each local-cluster worker, MB (default: ${DEFAULT-VALUE}).")
    int clusterWorkerMemoryMb;

    @Option(names = "--data", description = "MNIST IDX directory (default: the dataset cache).")
    Path data;

    @Option(names = "--dl4j-dir", defaultValue = "bench-dl4j",
            description = "The repository's bench-dl4j/ directory (default: ${DEFAULT-VALUE}).")
    Path dl4jDir;

    @Option(names = "--timeout-minutes", defaultValue = "60",
            description = "Longest a single run may take (default: ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    @Option(names = "--fresh", description = "Start the grid afresh: move an existing results.json aside.")
    boolean fresh;

    @Mixin
    SimulationOptions simulation = new SimulationOptions();

    private final List<BenchRunner> runnersOverride;

    /** The command as the CLI registers it. */
    public BenchCommand() {
        this(null);
    }

    /** A command with given runners (tests, or a caller embedding the harness); null for the default ones. */
    BenchCommand(List<BenchRunner> runners) {
        this.runnersOverride = runners;
    }

    /** Runs {@code bench} on its own (the CLI's {@code orrery bench} is the same command). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        // Spark's and the trainer's INFO lines go to a log file; the console keeps the progress and the results.
        ConsoleLogging.setUp("bench", ConsoleLogging.Console.of(false, true))
                .ifPresent(file -> spec.commandLine().getErr().println("logs: " + file));
        Files.createDirectories(out);
        Path previous = out.resolve(ResultsStore.FILE_NAME);
        if (fresh && Files.exists(previous)) {
            Files.move(previous, out.resolve(ResultsStore.FILE_NAME + ".bak"), StandardCopyOption.REPLACE_EXISTING);
        }
        ResultsStore store = ResultsStore.open(out);
        List<BenchConfig> grid = grid();
        ClusterRowLauncher clusters = runnersOverride != null ? null : clusterLauncher();
        List<BenchRunner> runners = runnersOverride != null ? runnersOverride : defaultRunners(clusters);
        PrintWriter err = spec.commandLine().getErr();
        int skipped = 0;
        // The launcher owns the test bed, which it keeps up across rows of one rate: closing it takes the bed down.
        try (BenchProgress progress = new BenchProgress(grid.size(), System.err);
             AutoCloseable bed = clusters != null ? clusters : () -> { }) {
            for (BenchConfig c : grid) {
                if (store.isDone(c)) {
                    skipped++;
                    progress.done();
                    continue;
                }
                progress.running(c);
                store.add(runOne(c, runners).withTimesToAccuracy());
                progress.done();
            }
        }
        if (skipped > 0) {
            err.printf(Locale.ROOT, "resumed: %d of %d runs were already in %s%n", skipped, grid.size(), store.file());
        }
        Optional<SimulationResult> sim = simulation.noSimulation ? Optional.empty() : simulation.builder(batchSizes).build(ReportWriter.rowsOf(store.rows(), BenchConfig.MLP));
        List<RunResult> rows = BenchReport.writeAll(out, store.rows(), sim.orElse(null));
        PrintWriter o = spec.commandLine().getOut();
        long failed = 0;
        for (RunResult r : rows) {
            BenchConfig c = r.config();
            if (r.ok()) {
                o.printf(Locale.ROOT, "%-26s %-7s N=%d %-12s %-24s b=%d shards=%d: %8.0f samples/s, test_acc %.4f%n",
                        c.system(), c.model(), c.workers(), c.mode(), c.encoding(), c.batchPerWorker(), c.shards(),
                        r.samplesPerSecond(), r.finalAccuracy());
            } else {
                failed++;
                o.printf(Locale.ROOT, "%-26s %-7s N=%d %-12s %-24s FAILED: %s%n", c.system(), c.model(),
                        c.workers(), c.mode(), c.encoding(), r.error());
            }
        }
        o.println("report: " + out.resolve(ReportWriter.FILE_NAME));
        o.flush();
        return failed == 0 ? 0 : 1;
    }

    /** bench-dl4j sits in the Orrery checkout, whose deploy/ scripts assemble a Spark home and the test bed. */
    private ClusterRowLauncher clusterLauncher() {
        return new ClusterRowLauncher(dl4jDir.toAbsolutePath().normalize().getParent(),
                Duration.ofMinutes(timeoutMinutes), out.toAbsolutePath().resolve("testbed"));
    }

    private List<BenchRunner> defaultRunners(ClusterRowLauncher clusters) {
        return List.of(new OrrerySparkRunner(data, clusters), new CoreFitRunner(data),
                new Dl4jProcessRunner(dl4jDir, data, Duration.ofMinutes(timeoutMinutes)));
    }

    private RunResult runOne(BenchConfig c, List<BenchRunner> runners) {
        String started = Instant.now().toString();
        BenchRunner runner = runners.stream().filter(r -> r.handles(c.system())).findFirst().orElse(null);
        if (runner == null) {
            return RunResult.failed(c, started, "no runner for system " + c.system());
        }
        try {
            return runner.run(c, out.resolve("runs").resolve(c.key().replaceAll("[^A-Za-z0-9.]+", "_")));
        } catch (Exception e) {
            return RunResult.failed(c, started, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Every configuration of the grid, in run order: model, system, then settings, then growing worker count. The
     * DL4J baseline has the MLP only, so its rows appear under that model alone.
     */
    List<BenchConfig> grid() {
        List<BenchConfig> grid = new ArrayList<>();
        for (String model : models) {
            for (String system : systems) {
                if (system.startsWith("dl4j") && !BenchConfig.MLP.equals(model)) {
                    continue;
                }
                for (int b : batchSizes) {
                    if (BenchConfig.CORE_FIT.equals(system)) {
                        // One process, one worker, whatever --workers and --paths say.
                        grid.add(new BenchConfig(system, "none", 1, CORE_FIT_MODE, CORE_FIT_ENCODING, b, 1, epochs,
                                model));
                        continue;
                    }
                    for (String path : paths) {
                        addRuns(grid, model, system, path, b);
                    }
                }
            }
        }
        return grid;
    }

    private void addRuns(List<BenchConfig> grid, String model, String system, String path, int b) {
        if (TestbedOptions.PATH.equals(path)) {  // Orrery MLP rows only: the baseline has no test-bed runner
            if (BenchConfig.MLP.equals(model)) {
                testbed.addRuns(grid, system, workers, modes, encodings, b, epochs);
            }
            return;
        }
        switch (system) {
            case BenchConfig.ORRERY -> {
                for (String mode : modes) {
                    for (String enc : encodings) {
                        for (int s : shards) {
                            for (int n : workers) {
                                grid.add(new BenchConfig(system, masterFor(path, n), n, mode, enc, b, s, epochs,
                                        model));
                            }
                        }
                    }
                }
            }
            case BenchConfig.DL4J_PARAMETER_AVERAGING -> workers.forEach(n -> grid.add(new BenchConfig(
                    system, dl4jMasterFor(path, n), n, DL4J_PA_MODE, DL4J_PA_ENCODING, b, 1, epochs, model)));
            default -> workers.forEach(n -> grid.add(new BenchConfig(system, dl4jMasterFor(path, n), n,
                    DL4J_SHARED_MODE, DL4J_SHARED_ENCODING, b, 1, epochs, model)));
        }
    }

    private String masterFor(String path, int n) {
        if (BenchConfig.CLUSTER_PATH.equals(path)) {
            return localCluster(n);
        }
        return "local".equals(master) ? "local[" + n + "]" : master;
    }

    /** The baseline runs in its own JVM with its own Spark version, so it always gets a cluster it starts itself. */
    private String dl4jMasterFor(String path, int n) {
        return BenchConfig.CLUSTER_PATH.equals(path) ? localCluster(n) : "local[" + n + "]";
    }

    /** N executor JVMs of one core each: the shape of a small real cluster, on this machine. */
    private String localCluster(int n) {
        return "local-cluster[" + n + ",1," + clusterWorkerMemoryMb + "]";
    }

    private void validate() {
        if (Files.isRegularFile(out)) {
            throw bad("Invalid value for --out: expected a directory, found the file " + out
                    + "; choose another path");
        }
        requireAtLeastOne("--workers", workers);
        requireAtLeastOne("--batch-sizes", batchSizes);
        requireAtLeastOne("--shards", shards);
        requireAtLeastOne("--simulate-workers", simulation.simulateWorkers);
        for (String m : models) {
            if (!BenchConfig.MODELS.contains(m)) {
                throw bad("Invalid value for --models: expected one or more of " + BenchConfig.MODELS
                        + " separated by commas, received \"" + m + "\"");
            }
        }
        for (String s : systems) {
            if (!SYSTEMS.contains(s)) {
                throw bad("Invalid value for --systems: expected one of " + List.copyOf(new TreeSet<>(SYSTEMS))
                        + ", received \"" + s + "\"");
            }
        }
        for (String m : modes) {
            if (!MODE.matcher(m).matches()) {
                throw bad("Invalid value for --modes: expected sync, async or bounded:S with S >= 1, received \""
                        + m + "\"");
            }
        }
        for (String e : encodings) {
            parseEncoding("--encodings", e);
        }
        parseEncoding("--simulate-encoding", simulation.simulateEncoding);
        for (String p : paths) {
            if (!BenchConfig.LOCAL_PATH.equals(p) && !BenchConfig.CLUSTER_PATH.equals(p) && !TestbedOptions.PATH.equals(p)) {
                throw bad("Invalid value for --paths: expected local, cluster and/or testbed, received \"" + p
                        + "\"");
            }
        }
        testbed.validate(paths, modes).ifPresent(message -> {
            throw bad(message);
        });
        if (clusterWorkerMemoryMb < 1024) {
            throw bad("Invalid value for --cluster-worker-memory-mb: expected at least 1024 (an executor needs about"
                    + " 1 GB for the reference model), received " + clusterWorkerMemoryMb);
        }
        if (!MASTER.matcher(master).matches()) {
            throw bad("Invalid value for --master: expected local, local[K], spark://HOST:PORT, yarn or k8s://URL,"
                    + " received \"" + master + "\"");
        }
        if (epochs < 1) {
            throw bad("Invalid value for --epochs: expected >= 1, received " + epochs);
        }
        if (timeoutMinutes < 1) {
            throw bad("Invalid value for --timeout-minutes: expected >= 1, received " + timeoutMinutes);
        }
        simulation.validate(this::bad);
        if (data != null && !Files.isDirectory(data)) {
            throw bad("Invalid value for --data: expected a directory with the MNIST IDX files, found no directory"
                    + " at " + data);
        }
    }

    private void parseEncoding(String option, String e) {
        try {
            WireEncoding.parse(e);
        } catch (IllegalArgumentException ex) {
            throw bad("Invalid value for " + option + ": " + ex.getMessage());
        }
    }

    private void requireAtLeastOne(String option, List<Integer> values) {
        for (int v : values) {
            if (v < 1) {
                throw bad("Invalid value for " + option + ": expected whole numbers >= 1 separated by commas,"
                        + " received " + v);
            }
        }
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
