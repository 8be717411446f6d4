package io.orrery.examples.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parallel efficiency of each row against the 1-worker run of the same configuration:
 * {@code samplesPerSecond(N) / (N * samplesPerSecond(1))}. 1.0 means perfect linear scaling.
 */
public final class Efficiency {

    private Efficiency() {
    }

    /**
     * Returns the rows with {@link RunResult#parallelEfficiency()} filled in where the matching 1-worker row
     * exists and succeeded, and null where it does not. Row order is kept.
     */
    public static List<RunResult> fill(List<RunResult> rows) {
        Map<String, Double> single = new HashMap<>();
        for (RunResult r : rows) {
            if (r.ok() && r.config().workers() == 1) {
                single.put(r.config().seriesKey(), r.samplesPerSecond());
            }
        }
        List<RunResult> out = new ArrayList<>(rows.size());
        for (RunResult r : rows) {
            Double base = single.get(r.config().seriesKey());
            Double eff = (!r.ok() || base == null || base <= 0) ? null
                    : r.samplesPerSecond() / (r.config().workers() * base);
            out.add(r.withParallelEfficiency(eff));
        }
        return out;
    }
}
