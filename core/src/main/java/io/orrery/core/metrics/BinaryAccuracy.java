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
    protected void accumulate(INDArray yTrue, INDArray yPred) {
        INDArray[] same = Shapes.sameShape(yTrue, yPred, name());
        double[] labels = HostArrays.values(same[0]);
        double[] predictions = HostArrays.values(same[1]);
        boolean float32 = same[1].dataType() == DataType.FLOAT;
        float thresholdF = (float) threshold;
        long matches = 0;
        for (int i = 0; i < predictions.length; i++) {
            // Keras: (y_pred > threshold) as 0/1, compared with y_true cast to y_pred's type
            boolean positive = float32 ? (float) predictions[i] > thresholdF : predictions[i] > threshold;
            double label = float32 ? (float) labels[i] : labels[i];
            if (label == (positive ? 1.0 : 0.0)) {
                matches++;
            }
        }
        addMatches(matches, predictions.length, samples(same[1]));
    }

    @Override
    protected Map<String, Object> settings() {
        Map<String, Object> settings = super.settings();
        settings.put("threshold", threshold);
        return settings;
    }
}
