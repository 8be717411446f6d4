package io.orrery.examples.chaos;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code chaos}: the fault matrix against real processes (a `ps` and worker JVMs on loopback UDP), writing
 * results.csv and report.md into {@code --out}. The quick form (default) takes minutes and runs in CI: short jobs,
 * one kill trial per mode, the other faults in SYNC only, 10,000 fuzz messages, a 30 s soak of 4 workers.
 * {@code --full} runs every fault in every mode, longer jobs, three kill trials, 100,000 fuzz messages, a
 * ten-minute soak of eight workers, and three trials per mode of an executor JVM of a real Spark fit killed.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Run the parameter server's fault matrix (kills, stops, restarts, packet loss, soak) against real"
                + " processes; write results.csv and report.md.")
public final class ChaosCommand implements Callable<Integer> {

    /** Accuracy a faulted run may lose or gain against the unfaulted run of its mode, in percentage points. */
    static final double TOLERANCE_POINTS = 0.3;

    @Option(names = "--out", required = true, description = "Directory for results.csv, report.md and the runs' logs.")
    Path out;

    @Option(names = "--full", description = "The full matrix (longer runs, 3 kill trials, 10-minute soak of 8"
            + " workers, Spark executor kills).")
    boolean full;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the fault steps. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--only", split = ",", description = "Run only these scenarios (names as in results.csv).")
    List<String> only;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        ChaosJob.Settings base = full
                ? new ChaosJob.Settings("SYNC", 2, 600, 32, Duration.ofSeconds(5), 25, List.of(), 90)
                : new ChaosJob.Settings("SYNC", 2, 200, 32, Duration.ofSeconds(3), 20, List.of(), 45);
        // the soak first: the longest scenario, and the memory verdict a run stopped early would otherwise lack
        List<Scenario> scenarios = new ArrayList<>(List.of(
                full ? new Soak(8, Duration.ofMinutes(10)) : new Soak(4, Duration.ofSeconds(30)),
                new WorkerKill(), new WorkerStop(), new ServerRestart(),
                new PacketLoss(0.01), new PacketLoss(0.05), new RogueFuzz(full ? 100_000 : 10_000),
                new RogueFuzzWorkers(full ? 100_000 : 10_000)));
        if (full || only != null && only.contains("spark-executor-sigkill")) {
            // Minutes per trial (a Spark cluster, a kill, a retried stage): in the full matrix only; one SYNC trial
            // runs in CI as SparkExecutorKillTest.
            scenarios.add(2, new SparkExecutorKill(true));
        }
        if (only != null) {
            scenarios.removeIf(s -> !only.contains(s.name()));
        }
        ChaosMatrix matrix = new ChaosMatrix(base, out, full ? 3 : 1, seed, !full, System.out::println);
        List<ChaosResult> results = matrix.run(scenarios);
        String command = "orrery chaos --out " + out + (full ? " --full" : "") + " --seed " + seed
                + (only == null ? "" : " --only " + String.join(",", only));
        matrix.write(scenarios, command, TOLERANCE_POINTS);
        System.out.println(ChaosReport.table(results, TOLERANCE_POINTS));
        long failed = results.stream().filter(r -> !r.passed(TOLERANCE_POINTS)).count();
        System.out.println("chaos: " + (results.size() - failed) + " of " + results.size() + " runs passed; "
                + out.resolve("report.md"));
        return failed == 0 ? 0 : 1;
    }
}
