package io.orrery.examples.chaos;

import java.util.List;
import java.util.Locale;

/**
 * What a faulted run's accuracy is judged against: the accuracies of several unfaulted runs of the same mode. In
 * ASYNC and BOUNDED the order in which gradients arrive changes with the host's load, and with it the sequence of
 * updates, so unfaulted runs differ among themselves by more than the tolerance (ASYNC 0.8956 and 0.9160 at 600
 * steps on this host); one unfaulted run cannot tell a fault from that spread. A run passes when its accuracy lies
 * within the tolerance of the range the unfaulted runs covered, below or above.
 *
 * @param accuracies the unfaulted runs' test accuracies (fractions), those that finished
 */
record AccuracyBand(List<Double> accuracies) {

    /** No unfaulted run finished: nothing can be judged against it. */
    static final AccuracyBand NONE = new AccuracyBand(List.of());

    AccuracyBand {
        accuracies = accuracies.stream().filter(a -> !Double.isNaN(a)).toList();
    }

    boolean isEmpty() {
        return accuracies.isEmpty();
    }

    /** Lowest unfaulted accuracy, NaN without one. */
    double low() {
        return accuracies.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    /** Highest unfaulted accuracy, NaN without one. */
    double high() {
        return accuracies.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** Mean unfaulted accuracy, NaN without one. */
    double mean() {
        return accuracies.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** {@code accuracy} minus the unfaulted mean, in percentage points; NaN when either is missing. */
    double deltaPoints(double accuracy) {
        return (accuracy - mean()) * 100;
    }

    /**
     * Whether {@code accuracy} lies in [low - tolerance, high + tolerance]. A run worse than every unfaulted run by
     * more than the tolerance fails, and so does one better than all of them by more (a fault should not help).
     */
    boolean contains(double accuracy, double tolerancePoints) {
        if (isEmpty() || Double.isNaN(accuracy)) {
            return false;
        }
        // a hair of slack: accuracies are read back from 5-digit text
        double slack = 1e-9;
        return (accuracy - low()) * 100 >= -tolerancePoints - slack && (accuracy - high()) * 100 <= tolerancePoints + slack;
    }

    /** E.g. {@code 0.8956-0.9160 (3 runs)}, for the report. */
    String describe() {
        return isEmpty() ? "none finished"
                : String.format(Locale.ROOT, "%.4f-%.4f (%d run%s)", low(), high(), accuracies.size(),
                accuracies.size() == 1 ? "" : "s");
    }
}
