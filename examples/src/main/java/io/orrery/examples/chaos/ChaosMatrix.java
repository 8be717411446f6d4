package io.orrery.examples.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Runs the fault matrix: {@code references} unfaulted jobs of each mode first (the modes taking turns, so that a
 * change of the host's load reaches all of them; their accuracies are each mode's {@link AccuracyBand}), then every
 * scenario in every mode it applies to, {@code trials} times, each as fresh processes in its own directory under
 * {@code out}. results.csv and report.md are rewritten after every run, so a matrix cut short still leaves its rows.
 */
final class ChaosMatrix {

    private final ChaosJob.Settings base;
    private final Path out;
    private final int trials;
    private final int references;
    private final boolean quick;
    private final Random random;
    private final Consumer<String> log;
    private final Map<String, AccuracyBand> bands = new HashMap<>();
    private final List<ChaosResult> results = new ArrayList<>();

    ChaosMatrix(ChaosJob.Settings base, Path out, int trials, int references, long seed, boolean quick,
                Consumer<String> log) {
        if (references < 1) {
            throw new IllegalArgumentException("references: expected at least 1 unfaulted run per mode, received "
                    + references);
        }
        this.base = base;
        this.quick = quick;
        this.out = out;
        this.trials = trials;
        this.references = references;
        this.random = new Random(seed);
        this.log = log;
    }

    List<ChaosResult> results() {
        return results;
    }

    /**
     * Runs {@code scenarios} (the unfaulted runs are added first) and returns every row; writes results.csv and
     * report.md (headed by {@code command}) after each.
     */
    List<ChaosResult> run(List<Scenario> scenarios, String command, double tolerancePoints) throws Exception {
        NoFault none = new NoFault();
        for (int r = 1; r <= references; r++) {
            for (String mode : none.modes()) {
                results.add(runOne(none, mode, r));
                write(scenarios, command, tolerancePoints);
            }
        }
        for (String mode : none.modes()) {
            bands.put(mode, new AccuracyBand(results.stream().filter(r -> r.mode().equals(mode))
                    .map(ChaosResult::accuracy).toList()));
            log.accept("chaos: unfaulted " + mode + " accuracy " + bands.get(mode).describe());
        }
        results.replaceAll(r -> r.withReference(bands.get(r.mode())));
        write(scenarios, command, tolerancePoints);
        for (Scenario s : scenarios) {
            int count = s instanceof WorkerKill || s instanceof SparkExecutorKill ? trials : 1;
            for (String mode : modes(s)) {
                for (int t = 1; t <= count; t++) {
                    results.add(runOne(s, mode, t));
                    write(scenarios, command, tolerancePoints);
                }
            }
        }
        return results;
    }

    /**
     * The modes a scenario runs in. The quick form keeps the matrix to minutes: the worker kill and the soak run as
     * in the full form, every other fault in SYNC only (the mode whose steps wait for every worker, so a fault
     * there stalls or fails the step for all).
     */
    private List<String> modes(Scenario s) {
        return !quick || s instanceof WorkerKill || s instanceof Soak ? s.modes() : List.of("SYNC");
    }

    private ChaosResult runOne(Scenario scenario, String mode, int trial) throws Exception {
        ChaosJob.Settings settings = scenario.adapt(base.withMode(mode));
        Path dir = out.resolve("runs").resolve(scenario.name() + "-" + mode.toLowerCase() + "-" + trial);
        log.accept("chaos: " + scenario.name() + " " + mode + " trial " + trial + " (" + dir + ")");
        ChaosResult alone = scenario.runAlone(mode, trial, dir, random, log);
        if (alone != null) {
            log.accept("chaos:   -> " + alone.csv());
            return alone;
        }
        long t0 = System.nanoTime();
        String[] note = {""};
        String outcome;
        int[] codes;
        ChaosJob job = ChaosJob.start(settings, dir);
        try (MemorySampler memory = new MemorySampler(job)) {
            Thread fault = new Thread(() -> {
                try {
                    note[0] = scenario.inject(job, random);
                } catch (Exception e) {
                    note[0] = "fault not injected: " + e;
                }
            }, "chaos-fault");
            fault.start();
            codes = job.awaitWorkers(deadline(settings).plus(scenario.extraTime()));
            fault.join(60_000);
            outcome = outcome(job, codes);
            if (scenario instanceof PacketLoss && job.ps().alive()) {
                note[0] = ("ps " + DriverCounters.of(job.ps().pid()) + "; " + note[0]).trim();
            }
            job.close();
            if (scenario instanceof RogueFuzz || scenario instanceof RogueFuzzWorkers) {
                note[0] = (note[0] + "; ps " + RogueFuzz.serverDrops(job)).trim();
            }
            if (scenario instanceof Soak) {
                memory.writeCsv();
                note[0] = (note[0] + "; memory " + memory.growthSummary()).trim();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Ledger ledger = Ledger.read(job.ledger());
            boolean sync = mode.equals("SYNC");
            long expected = scenario instanceof Soak ? -1 : sync ? settings.steps() : (long) settings.steps() * settings.workers();
            long applied = sync ? ledger.distinctSteps() : ledger.contributions() - ledger.replayedAfterRestart();
            double accuracy = accuracy(job);
            ChaosResult r = new ChaosResult(scenario.name(), mode, trial, outcome, expected, applied,
                    ledger.appliedTwice(), ledger.replayedAfterRestart(), accuracy,
                    bands.getOrDefault(mode, AccuracyBand.NONE), memory.peakRss(),
                    memory.peakOpenFiles(),
                    scenario instanceof Soak ? memory.growth(MemorySampler.RSS) : Double.NaN, seconds, note[0]);
            log.accept("chaos:   -> " + r.csv());
            return r;
        } finally {
            job.close();
        }
    }

    /** Long enough for the job plus the faults' own waits; a job still running then is reported as stuck. */
    private static Duration deadline(ChaosJob.Settings s) {
        return Duration.ofSeconds(120 + 3 * s.stallSeconds());
    }

    private static String outcome(ChaosJob job, int[] codes) {
        for (int k = 0; k < codes.length; k++) {
            ChaosProcess w = job.worker(k);
            if (codes[k] == -1) {
                return "failed: worker " + k + " still running at the deadline (stuck); log " + w.log();
            }
            if (codes[k] != 0) {
                return "failed: worker " + k + " exited " + codes[k] + ": "
                        + (w.failure() == null ? "see " + w.log() : w.failure());
            }
        }
        return "completed";
    }

    /** Mean test accuracy the finished workers reported (each evaluates the newest parameters), NaN if none did. */
    private static double accuracy(ChaosJob job) {
        double sum = 0;
        int n = 0;
        for (int k = 0; k < job.settings().workers(); k++) {
            String r = job.worker(k).result();
            if (r != null) {
                for (String f : r.split(" ")) {
                    if (f.startsWith("accuracy=")) {
                        sum += Double.parseDouble(f.substring(9));
                        n++;
                    }
                }
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Writes results.csv and report.md into {@code out}. */
    void write(List<Scenario> scenarios, String command, double tolerancePoints) throws IOException {
        List<String> csv = new ArrayList<>();
        csv.add(ChaosResult.HEADER);
        for (ChaosResult r : results) {
            csv.add(r.csv());
        }
        Files.write(out.resolve("results.csv"), csv);
        Files.writeString(out.resolve("report.md"), ChaosReport.markdown(results, scenarios, command, tolerancePoints));
    }
}
