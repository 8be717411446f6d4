package io.orrery.core.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Keras's {@code BinaryAccuracy}: a prediction counts as 1 when it is strictly greater than {@code threshold}
 * (default 0.5), else 0, and is compared with the 0/1 label. Shapes must match, or differ by a trailing 1.
 */
public class BinaryAccuracy extends MeanMetricWrapper {

    private static final long serialVersionUID = 1L;

    private final double threshold;

    public BinaryAccuracy() {
        this("binary_accuracy", 0.5);
    }

    public BinaryAccuracy(String name) {
        this(name, 0.5);
    }

    /** @param threshold decision threshold on the predicted probability, in [0, 1] */
    public BinaryAccuracy(String name, double threshold) {
        super(name);
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException(name + ": expected threshold in [0, 1], found " + threshold);
        }
        this.threshold = threshold;
    }

    public double threshold() {
        return threshold;
    }

    @Override
    protected INDArray values(INDArray yTrue, INDArray yPred) {
        INDArray[] same = Shapes.sameShape(yTrue, yPred, name());
        INDArray predicted = same[1].gt(threshold).castTo(DataType.DOUBLE);
        INDArray labels = same[0].castTo(same[1].dataType()).castTo(DataType.DOUBLE);
        return labels.eq(predicted).castTo(DataType.DOUBLE);
    }

    @Override
    protected Map<String, Object> settings() {
        Map<String, Object> settings = super.settings();
        settings.put("threshold", threshold);
        return settings;
    }
}
