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
 * two unfaulted runs per mode, one kill trial per mode, the other faults in SYNC only, 10,000 fuzz messages (one
 * keyed job among them), a 30 s soak of 4 workers. {@code --full} runs three unfaulted runs per mode, every fault in
 * every mode, longer jobs, three kill trials, 100,000 fuzz messages (keyed and not, both directions), a ten-minute
 * soak of eight workers, and three trials per mode of an executor JVM of a real Spark fit killed.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Run the parameter server's fault matrix (kills, stops, restarts, packet loss, soak) against real"
                + " processes; write results.csv and report.md.")
public final class ChaosCommand implements Callable<Integer> {

    /**
     * Accuracy a faulted run may lose or gain against the range of the unfaulted runs of its mode, in percentage
     * points ({@link AccuracyBand}).
     */
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

    @Option(names = "--keyed", description = "Run every job keyed (a secret, as with spark.authenticate: workers prove"
            + " the key at the join) instead of with a token. The rogue-fuzz-keyed scenarios are keyed anyway.")
    boolean keyed;

    @Option(names = "--references", description = "Unfaulted runs per mode, the accuracy band every faulted run is"
            + " judged against. Default: 3 with --full, 2 without.")
    Integer references;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        ChaosJob.Settings base = full
                ? new ChaosJob.Settings("SYNC", 2, 600, 32, Duration.ofSeconds(5), 25, List.of(), 90, keyed)
                : new ChaosJob.Settings("SYNC", 2, 200, 32, Duration.ofSeconds(3), 20, List.of(), 45, keyed);
        // the soak first: the longest scenario, and the memory verdict a run stopped early would otherwise lack
        List<Scenario> scenarios = new ArrayList<>(List.of(
                full ? new Soak(8, Duration.ofMinutes(10)) : new Soak(4, Duration.ofSeconds(30)),
                new WorkerKill(), new WorkerStop(), new ServerRestart(),
                new PacketLoss(0.01), new PacketLoss(0.05), new RogueFuzz(full ? 100_000 : 10_000, false),
                new RogueFuzz(full ? 100_000 : 10_000, true), new RogueFuzzWorkers(full ? 100_000 : 10_000, false)));
        if (full) {
            // the quick form's keyed fuzz covers Challenge and JoinProof; towards keyed workers only in the full form
            scenarios.add(new RogueFuzzWorkers(100_000, true));
        }
        int referenceRuns = references != null ? references : full ? 3 : 2;
        if (full || only != null && only.contains("spark-executor-sigkill")) {
            // Minutes per trial (a Spark cluster, a kill, a retried stage): in the full matrix only; one SYNC trial
            // runs in CI as SparkExecutorKillTest. Last, so that a run cut short has every other scenario. Its
            // band is made of as many unfaulted Spark runs per mode as the jobs' (a minute each).
            scenarios.add(new SparkExecutorKill(referenceRuns));
        }
        if (only != null) {
            scenarios.removeIf(s -> !only.contains(s.name()));
        }
        ChaosMatrix matrix = new ChaosMatrix(base, out, full ? 3 : 1, referenceRuns, seed, !full, System.out::println);
        String command = "orrery chaos --out " + out + (full ? " --full" : "") + " --seed " + seed
                + (keyed ? " --keyed" : "") + " --references " + referenceRuns
                + (only == null ? "" : " --only " + String.join(",", only));
        List<ChaosResult> results = matrix.run(scenarios, command, TOLERANCE_POINTS);
        System.out.println(ChaosReport.table(results, TOLERANCE_POINTS));
        long failed = results.stream().filter(r -> !r.passed(TOLERANCE_POINTS)).count();
        System.out.println("chaos: " + (results.size() - failed) + " of " + results.size() + " runs passed; "
                + out.resolve("report.md"));
        return failed == 0 ? 0 : 1;
    }
}
