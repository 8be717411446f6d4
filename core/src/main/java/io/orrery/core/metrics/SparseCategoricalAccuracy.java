package io.orrery.core.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Keras's {@code SparseCategoricalAccuracy}: how often the predicted class (argmax of yPred over its last axis)
 * equals the integer label. yPred {@code [n, classes]}; yTrue {@code [n]} or {@code [n, 1]}, in any numeric type
 * (int, long, float, double).
 */
public class SparseCategoricalAccuracy extends MeanMetricWrapper {

    private static final long serialVersionUID = 1L;

    public SparseCategoricalAccuracy() {
        this("sparse_categorical_accuracy");
    }

    public SparseCategoricalAccuracy(String name) {
        super(name);
    }

    @Override
    protected void accumulate(INDArray yTrue, INDArray yPred) {
        long[] predShape = yPred.shape();
        long[] expected = Arrays.copyOf(predShape, Math.max(predShape.length - 1, 0));
        long[] labelShape = yTrue.shape();
        if (yTrue.rank() == yPred.rank() && yTrue.rank() > 0 && labelShape[labelShape.length - 1] == 1) {
            labelShape = Arrays.copyOf(labelShape, labelShape.length - 1);  // [n, 1] holds the same labels as [n]
        }
        if (yPred.rank() < 2 || !Arrays.equals(labelShape, expected)) {
            throw new IllegalArgumentException(name() + ": expected yPred [n, classes] and integer labels yTrue [n] or [n, 1], found yTrue "
                    + shape(yTrue) + " and yPred " + shape(yPred) + "; for one-hot labels use CategoricalAccuracy");
        }
        INDArray labels = yTrue.rank() <= 2 ? yTrue : yTrue.reshape(expected);
        long[] predictedClass = HostArrays.argMaxRows(yPred);
        double[] labelValues = HostArrays.values(labels);
        boolean float32 = yPred.dataType() == DataType.FLOAT;
        long matches = 0;
        for (int i = 0; i < predictedClass.length; i++) {
            // Keras casts the labels to y_pred's type before comparing
            double label = float32 ? (float) labelValues[i] : labelValues[i];
            if (label == predictedClass[i]) {
                matches++;
            }
        }
        addMatches(matches, predictedClass.length, samples(yPred));
    }
}
