package io.orrery.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Keras's {@code Precision}: of the predicted positives, the fraction that are positive, {@code truePositives / (truePositives + falsePositives)}, 0 when the denominator is 0. A prediction is positive when
 * strictly greater than {@code thresholds} (default 0.5), a label when non-zero. yTrue and yPred have one shape
 * (or differ by a trailing 1); every element counts, or only column {@code class_id} when one is given.
 */
public class Precision extends Metric {

    private static final long serialVersionUID = 1L;

    private final double threshold;
    private final int classId;
    private final ConfusionCounts counts = new ConfusionCounts();

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
        super(name);
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException(name + ": expected thresholds in [0, 1], found " + threshold);
        }
        if (classId < -1) {
            throw new IllegalArgumentException(name + ": expected class_id >= 0 (or -1 for none), found " + classId);
        }
        this.threshold = threshold;
        this.classId = classId;
    }

    @Override
    public void updateState(INDArray yTrue, INDArray yPred) {
        counts.add(yTrue, yPred, threshold, classId, name());
    }

    @Override
    public double result() {
        return ConfusionCounts.divideNoNan(counts.truePositives, counts.truePositives + counts.falsePositives);
    }

    public long truePositives() {
        return counts.truePositives;
    }

    public long falsePositives() {
        return counts.falsePositives;
    }

    public long falseNegatives() {
        return counts.falseNegatives;
    }

    @Override
    public void resetState() {
        counts.reset();
    }

    @Override
    protected void mergeState(Metric other) {
        counts.merge(((Precision) other).counts);
    }

    @Override
    protected Map<String, Object> settings() {
        Map<String, Object> settings = super.settings();
        settings.put("thresholds", threshold);
        settings.put("class_id", classId < 0 ? null : classId);
        return settings;
    }
}
