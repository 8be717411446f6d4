package io.orrery.examples.chaos;

import java.util.Locale;

/** One row of results.csv: a scenario in one mode, one trial. */
record ChaosResult(String scenario, String mode, int trial, String outcome, long stepsExpected, long stepsApplied,
                   long appliedTwice, long replayedAfterRestart, double accuracy, AccuracyBand reference,
                   long peakRssBytes, long peakOpenFiles, double memoryGrowth, double seconds, String note) {

    /**
     * accuracy_delta_points is against the mean of the mode's unfaulted runs; reference_low and reference_high are
     * the lowest and highest of them (the band is that range widened by the tolerance).
     */
    static final String HEADER = "scenario,mode,trial,outcome,steps_expected,steps_applied,contributions_applied_twice,"
            + "replayed_after_restart,accuracy,accuracy_delta_points,peak_rss_mb,peak_open_files,rss_growth_pct,"
            + "seconds,reference_low,reference_high,reference_runs,note";

    /** Accuracy minus the unfaulted runs' mean, in points; NaN without both. */
    double accuracyDeltaPoints() {
        return reference.deltaPoints(accuracy);
    }

    /** The same row judged against {@code band} (the unfaulted runs, known only once all of them ran). */
    ChaosResult withReference(AccuracyBand band) {
        return new ChaosResult(scenario, mode, trial, outcome, stepsExpected, stepsApplied, appliedTwice,
                replayedAfterRestart, accuracy, band, peakRssBytes, peakOpenFiles, memoryGrowth, seconds, note);
    }

    /**
     * Completed, some step applied, nothing applied twice, and accuracy within {@code tolerancePoints} of the range
     * of the unfaulted runs of its mode ({@link AccuracyBand}; a soak: memory flat instead).
     */
    boolean passed(double tolerancePoints) {
        if (!outcome.equals("completed") || appliedTwice != 0 || stepsApplied <= 0) {
            return false;
        }
        if (scenario.startsWith("soak")) {
            // trains for a time, not the reference's steps: judged by memory, grown by at most 10% after the warm-up
            return !Double.isNaN(memoryGrowth) && memoryGrowth <= MEMORY_GROWTH_LIMIT;
        }
        return reference.contains(accuracy, tolerancePoints);
    }

    /**
     * A soak passes when total resident memory grows by at most this fraction after its warm-up (the trend of
     * {@link MemorySampler#growth}; shrinking is fine).
     */
    static final double MEMORY_GROWTH_LIMIT = 0.10;

    String csv() {
        return String.join(",", scenario, mode, Integer.toString(trial), quote(outcome), Long.toString(stepsExpected),
                Long.toString(stepsApplied), Long.toString(appliedTwice), Long.toString(replayedAfterRestart),
                String.format(Locale.ROOT, "%.4f", accuracy), String.format(Locale.ROOT, "%.2f", accuracyDeltaPoints()),
                Long.toString(peakRssBytes >> 20), Long.toString(peakOpenFiles),
                Double.isNaN(memoryGrowth) ? "" : String.format(Locale.ROOT, "%.1f", memoryGrowth * 100),
                String.format(Locale.ROOT, "%.1f", seconds), String.format(Locale.ROOT, "%.4f", reference.low()),
                String.format(Locale.ROOT, "%.4f", reference.high()), Integer.toString(reference.accuracies().size()),
                quote(note));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "'").replace('\n', ' ') + "\"";
    }
}
