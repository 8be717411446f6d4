package io.orrery.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Shared state of {@link Precision} and {@link Recall}: confusion counts at one decision threshold, over every
 * element or one class column. A prediction is positive when strictly greater than the threshold, a label when
 * non-zero. Subclasses only say which ratio of the counts they report.
 */
abstract class ThresholdMetric extends Metric {

    private static final long serialVersionUID = 1L;

    private final double threshold;
    private final int classId;
    final ConfusionCounts counts = new ConfusionCounts();

    /**
     * @param threshold decision threshold on the predicted probability, in [0, 1]
     * @param classId   column to evaluate for [n, classes] inputs, or -1 (Keras's None) for all elements
     */
    ThresholdMetric(String name, double threshold, int classId) {
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
        counts.merge(((ThresholdMetric) other).counts);
    }

    @Override
    protected Map<String, Object> settings() {
        Map<String, Object> settings = super.settings();
        settings.put("thresholds", threshold);
        settings.put("class_id", classId < 0 ? null : classId);
        return settings;
    }
}
