package io.orrery.examples.chaos;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/** report.md: what was run, the outcome table, and what each scenario did. */
final class ChaosReport {

    private ChaosReport() {
    }

    static String markdown(List<ChaosResult> results, List<Scenario> scenarios, String command, double tolerance) {
        StringBuilder md = new StringBuilder();
        md.append("# Chaos: fault matrix against real processes\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        long passed = results.stream().filter(r -> r.passed(tolerance)).count();
        md.append(String.format(Locale.ROOT, "%d of %d runs passed (completed, no contribution applied twice,"
                + " accuracy within %.1f points of the range of the unfaulted runs of the same mode).%n%n", passed,
                results.size(), tolerance));
        md.append(bands(results, tolerance));
        md.append(table(results, tolerance));
        md.append("\n## Scenarios\n\n");
        md.append("- `none`: ").append(new NoFault().description()).append('\n');
        for (Scenario s : scenarios) {
            md.append("- `").append(s.name()).append("`: ").append(s.description()).append('\n');
        }
        md.append("\nColumns: Δ points is the accuracy minus the mean of the mode's unfaulted runs; steps are server versions in SYNC and applied contributions (one per gradient) in ASYNC"
                + " and BOUNDED; \"twice\" counts a worker's gradient of a step applied more than once by one server"
                + " process, from the server's contribution ledger; \"replayed\" counts contributions applied again by"
                + " a server restarted from a checkpoint older than them (their first application died with the"
                + " killed server); peak RSS is the largest resident memory of any one process; RSS growth (soak) is"
                + " the rise of a least-squares line through the total resident memory of every process, sampled each"
                + " second while all workers train, after leaving out the first third as warm-up; memory.csv in the"
                + " soak's directory has every sample (resident, anonymous, the workers' heap and off-heap, open"
                + " files).\n");
        md.append("\n## Notes\n\n");
        for (ChaosResult r : results) {
            if (!r.note().isEmpty()) {
                md.append("- ").append(r.scenario()).append(' ').append(r.mode()).append(" #").append(r.trial())
                        .append(": ").append(r.note()).append('\n');
            }
        }
        return md.toString();
    }

    /**
     * The reference of each mode: the unfaulted runs' accuracies and the band a faulted run must land in, for the
     * matrix's own jobs and (when it ran) the Spark fit's.
     */
    static String bands(List<ChaosResult> results, double tolerance) {
        StringBuilder md = new StringBuilder("Accuracy bands (unfaulted runs of each mode; a run passes within the"
                + " band, their range widened by the tolerance on both sides):\n\n");
        Map<String, AccuracyBand> seen = new LinkedHashMap<>();
        for (ChaosResult r : results) {
            String job = r.scenario().startsWith("spark-") ? "Spark fit" : "chaos job";
            if (!r.reference().isEmpty()) {
                seen.putIfAbsent(job + " " + r.mode(), r.reference());
            }
        }
        for (Map.Entry<String, AccuracyBand> e : seen.entrySet()) {
            AccuracyBand b = e.getValue();
            md.append(String.format(Locale.ROOT, "- %s: unfaulted %s, band %.4f-%.4f; runs %s%n", e.getKey(),
                    b.describe(), b.low() - tolerance / 100, b.high() + tolerance / 100, b.accuracies().stream()
                            .map(a -> String.format(Locale.ROOT, "%.4f", a)).toList()));
        }
        return md.append('\n').toString();
    }

    /** The outcome table in Markdown (also pasted into docs/parameter-server.md). */
    static String table(List<ChaosResult> results, double tolerance) {
        StringBuilder md = new StringBuilder();
        md.append("| scenario | mode | # | outcome | steps expected | steps applied | applied twice | replayed |"
                + " accuracy | Δ points | peak RSS MiB | peak open files | RSS growth | s | pass |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ChaosResult r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %d | %d | %d | %.4f | %+.2f | %d | %d | %s | %.0f | %s |%n",
                    r.scenario(), r.mode(), r.trial(), r.outcome().replace("|", "/"),
                    r.stepsExpected() < 0 ? "(by time)" : Long.toString(r.stepsExpected()), r.stepsApplied(),
                    r.appliedTwice(), r.replayedAfterRestart(), r.accuracy(), r.accuracyDeltaPoints(),
                    r.peakRssBytes() >> 20, r.peakOpenFiles(),
                    Double.isNaN(r.memoryGrowth()) ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", r.memoryGrowth() * 100),
                    r.seconds(), r.passed(tolerance) ? "yes" : "**no**"));
        }
        return md.toString();
    }
}
