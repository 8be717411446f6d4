package io.orrery.core.metrics;

/**
 * Keras's {@code Precision}: of the predicted positives, the fraction that are positive, {@code truePositives / (truePositives + falsePositives)}, 0 when the denominator is 0. A prediction is positive when strictly greater than
 * {@code thresholds} (default 0.5), a label when non-zero. yTrue and yPred have one shape (or differ by a trailing
 * 1); every element counts, or only column {@code class_id} when one is given.
 */
public class Precision extends ThresholdMetric {

    private static final long serialVersionUID = 1L;

    public Precision() {
        this("precision", 0.5, -1);
    }

    public Precision(String name) {
        this(name, 0.5, -1);
    }

    /**
     * @param threshold decision threshold on the predicted probability, in [0, 1]
     * @param classId   column to evaluate for [n, classes] inputs, or -1 (Keras's None) for all elements
     */
    public Precision(String name, double threshold, int classId) {
        super(name, threshold, classId);
    }

    @Override
    public double result() {
        return ConfusionCounts.divideNoNan(counts.truePositives, counts.truePositives + counts.falsePositives);
    }
}
