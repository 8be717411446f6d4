package io.orrery.examples.chaos;

import io.orrery.examples.cluster.SparkHome;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * An executor JVM of a real Spark fit killed with SIGKILL at a random step: {@link SparkChaosDriver} trains on
 * {@code local-cluster[2,1,1024]} with the parameter server in the driver, and when the server's ledger shows the
 * target step applied, one of the two executor JVMs (found among the driver's descendants) is killed. Spark then
 * fails the barrier stage, launches a new executor and retries it; the new task rejoins the server under the lost
 * worker's id once that id's holder has timed out. The run completes, or fails with the driver's message; the
 * ledger shows whether any contribution was applied twice.
 *
 * <p>It runs its own processes rather than a {@link ChaosJob} ({@link #runAlone}); its reference accuracy is the
 * band of {@code referenceRuns} unfaulted runs of the same driver in the same mode, made once per mode (none when
 * 0). One run is no band in ASYNC and BOUNDED: the order in which gradients arrive changes with the host's load
 * (measured with the first, 64-step job: unfaulted BOUNDED fits scored 0.7210-0.7830 on one afternoon).
 */
final class SparkExecutorKill implements Scenario {

    /**
     * 19,200 MNIST images in global batches of 64 for two epochs: 600 steps (one barrier stage per epoch; the kill
     * lands in either), as many as the matrix's own jobs. The first form, 4,096 images and one epoch (64 steps,
     * accuracy about 0.79), was far from a plateau: unfaulted BOUNDED fits alone scored 0.7210-0.7830 on one afternoon,
     * more than the faults moved them, so no band of three runs could judge a fault.
     */
    static final int SAMPLES = 19_200;
    static final int BATCH = 64;
    static final int EPOCHS = 2;
    static final int STEPS = SAMPLES / BATCH * EPOCHS;
    /** Longest a driver may take, with the kill's recovery (a worker timeout, a new executor, the retried stage). */
    static final Duration DEADLINE = Duration.ofMinutes(10);
    /** UDP frame size of the fit (a multiple of 32 that fits a 1500-byte Ethernet frame). */
    static final int MTU = 1408;

    private final int referenceRuns;
    private final Map<String, AccuracyBand> references = new HashMap<>();

    SparkExecutorKill(int referenceRuns) {
        this.referenceRuns = referenceRuns;
    }

    @Override
    public String name() {
        return "spark-executor-sigkill";
    }

    @Override
    public String description() {
        return "one executor JVM of a Spark fit on local-cluster[2,1,1024] killed (SIGKILL) at a random step in the"
                + " middle half; Spark retries the stage on a new executor and the worker rejoins the server";
    }

    @Override
    public String inject(ChaosJob job, Random random) {
        throw new UnsupportedOperationException(name() + " runs its own Spark cluster (runAlone), not a ChaosJob");
    }

    @Override
    public ChaosResult runAlone(String mode, int trial, Path dir, Random random, Consumer<String> log)
            throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(dir);
        Path sparkHome;
        try {
            sparkHome = SparkHome.resolve(null);
        } catch (IllegalStateException e) {
            return result(mode, trial, "failed: " + e.getMessage(), Ledger.read(dir.resolve("none")), Double.NaN,
                    AccuracyBand.NONE, new long[2], t0, "");
        }
        AccuracyBand reference = AccuracyBand.NONE;
        if (referenceRuns > 0) {
            if (!references.containsKey(mode)) {
                List<Double> accuracies = new ArrayList<>();
                for (int r = 1; r <= referenceRuns; r++) {
                    log.accept("chaos:   unfaulted Spark run " + r + " of " + referenceRuns + ", " + mode
                            + " (the reference accuracy)");
                    SparkRun unfaulted = SparkRun.start(mode, dir.resolveSibling(name() + "-" + mode.toLowerCase()
                            + "-reference" + (r == 1 ? "" : "-" + r)), sparkHome);
                    unfaulted.awaitExit(DEADLINE, -1, null);
                    accuracies.add(unfaulted.accuracy());
                }
                references.put(mode, new AccuracyBand(accuracies));
            }
            reference = references.get(mode);
        }
        long target = STEPS / 4 + random.nextInt(STEPS / 2);
        SparkRun run = SparkRun.start(mode, dir, sparkHome);
        String note = run.awaitExit(DEADLINE, target, random) + run.retries();
        return result(mode, trial, run.outcome(), Ledger.read(run.ledger()), run.accuracy(), reference, run.peaks(),
                t0, note);
    }

    private ChaosResult result(String mode, int trial, String outcome, Ledger ledger, double accuracy,
                               AccuracyBand reference, long[] peaks, long t0, String note) {
        boolean sync = mode.equals("SYNC");
        long expected = sync ? STEPS : (long) STEPS * SparkChaosDriver.WORKERS;
        long applied = sync ? ledger.distinctSteps() : ledger.contributions() - ledger.replayedAfterRestart();
        return new ChaosResult(name(), mode, trial, outcome, expected, applied, ledger.appliedTwice(),
                ledger.replayedAfterRestart(), accuracy, reference, peaks[0], peaks[1], Double.NaN,
                (System.nanoTime() - t0) / 1e9, note);
    }

    /** One driver JVM and what it left: its log, the server's ledger, the peak memory of its process tree. */
    private static final class SparkRun {

        private final ChaosProcess driver;
        private final Path ledger;
        private final long[] peaks = new long[2];
        private final long startNs = System.nanoTime();
        private int exitCode = -1;

        private SparkRun(ChaosProcess driver, Path ledger) {
            this.driver = driver;
            this.ledger = ledger;
        }

        static SparkRun start(String mode, Path dir, Path sparkHome) throws IOException {
            Files.createDirectories(dir);
            Path ledger = dir.resolve("ledger.csv");
            ChaosProcess driver = ChaosProcess.start("spark-driver", dir.resolve("driver.log"), "1g",
                    // Ethernet-sized frames, as on a cluster's network: loopback's 64 KB frames stalled the
                    // broadcast here when the kernel capped socket buffers at 208 KiB (2026-12-03).
                    List.of("-Dorrery.ps.ledger=" + ledger, "-D" + SparkChaosDriver.MTU_PROPERTY + "=" + MTU),
                    SparkChaosDriver.class.getName(),
                    List.of(mode, Integer.toString(SAMPLES), Integer.toString(BATCH), Integer.toString(EPOCHS)),
                    Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.12",
                            "SPARK_LOCAL_IP", "127.0.0.1"));
            return new SparkRun(driver, ledger);
        }

        /**
         * Waits for the driver to end, sampling memory; once the server has applied step {@code killAt} (when not
         * negative), kills one executor JVM at random. Returns the note for the report.
         */
        String awaitExit(Duration deadline, long killAt, Random random) throws IOException, InterruptedException {
            long end = System.nanoTime() + deadline.toNanos();
            String note = killAt < 0 ? "" : "server never reached step " + killAt + "; nothing killed";
            boolean killed = killAt < 0;
            while (driver.alive() && System.nanoTime() < end) {
                sample();
                if (!killed && maxStep() >= killAt) {
                    note = killOneExecutor(killAt, random);
                    killed = true;
                }
                Thread.sleep(50);
            }
            exitCode = driver.waitFor(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            if (exitCode == -1) {
                driver.close(); // stuck: the outcome says so; the cluster goes with its driver
            }
            return note;
        }

        private String killOneExecutor(long target, Random random) throws IOException {
            long step = maxStep();
            List<ProcessHandle> executors = new ArrayList<>();
            ProcessHandle.of(driver.pid()).ifPresent(d -> d.descendants()
                    .filter(p -> commandLine(p.pid()).contains("CoarseGrainedExecutorBackend"))
                    .forEach(executors::add));
            if (executors.isEmpty()) {
                return "no executor JVM found among the driver's processes at server step " + step + "; nothing killed";
            }
            ProcessHandle victim = executors.get(random.nextInt(executors.size()));
            victim.destroyForcibly(); // SIGKILL: no shutdown hook, no Leave
            return String.format(Locale.ROOT, "killed executor JVM pid %d (one of %d) after server step %d (target %d)"
                    + " at %.1f s", victim.pid(), executors.size(), step, target, (System.nanoTime() - startNs) / 1e9);
        }

        /** The newest step in the server's ledger ({@code pid,shard,step,worker} lines), -1 before the first. */
        private long maxStep() throws IOException {
            if (!Files.exists(ledger)) {
                return -1;
            }
            long max = -1;
            for (String line : Files.readAllLines(ledger)) {
                String[] f = line.split(",");
                if (f.length == 4) {
                    max = Math.max(max, Long.parseLong(f[2]));
                }
            }
            return max;
        }

        /** Resident memory and open files summed over the driver and its executors, keeping the peaks. */
        private void sample() {
            long rss = 0;
            long files = 0;
            List<ProcessHandle> tree = new ArrayList<>();
            ProcessHandle.of(driver.pid()).ifPresent(d -> {
                tree.add(d);
                d.descendants().forEach(tree::add);
            });
            for (ProcessHandle p : tree) {
                rss += residentBytes(p.pid());
                files += openFiles(p.pid());
            }
            peaks[0] = Math.max(peaks[0], rss);
            peaks[1] = Math.max(peaks[1], files);
        }

        /**
         * The whole command line from /proc: {@code ProcessHandle.Info.commandLine()} came back without the
         * executor's main class here (the executor's class path alone is tens of kilobytes).
         */
        private static String commandLine(long pid) {
            try {
                return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                        StandardCharsets.UTF_8).replace('\0', ' ');
            } catch (IOException | RuntimeException gone) {
                return "";
            }
        }

        /** VmRSS of a process from /proc, 0 when it is gone. */
        private static long residentBytes(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // exited between the listing and the read
            }
            return 0;
        }

        private static long openFiles(long pid) {
            try (var list = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                return list.count();
            } catch (IOException | RuntimeException gone) {
                return 0;
            }
        }

        Path ledger() {
            return ledger;
        }

        /** The fit's notes of retried stages ({@code ; epoch=1 stage retried: ...}), from the driver's log. */
        String retries() throws IOException {
            StringBuilder out = new StringBuilder();
            if (Files.exists(driver.log())) {
                for (String line : Files.readAllLines(driver.log())) {
                    if (line.startsWith("note ") && line.contains("retried")) {
                        out.append("; ").append(line.substring(5));
                    }
                }
            }
            return out.toString();
        }

        long[] peaks() {
            return peaks;
        }

        String outcome() {
            if (exitCode == -1) {
                return "failed: Spark driver still running after " + DEADLINE.toMinutes() + " min (stuck); log "
                        + driver.log();
            }
            if (exitCode != 0 || driver.result() == null) {
                return "failed: Spark driver exited " + exitCode + ": "
                        + (driver.failure() == null ? "see " + driver.log() : driver.failure());
            }
            return "completed";
        }

        /** Test accuracy the driver reported, NaN when it did not finish. */
        double accuracy() {
            String r = driver.result();
            if (r != null) {
                for (String f : r.split(" ")) {
                    if (f.startsWith("accuracy=")) {
                        return Double.parseDouble(f.substring(9));
                    }
                }
            }
            return Double.NaN;
        }
    }
}
