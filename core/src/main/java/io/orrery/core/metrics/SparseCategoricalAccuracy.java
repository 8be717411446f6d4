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
    protected INDArray values(INDArray yTrue, INDArray yPred) {
        long[] predShape = yPred.shape();
        long[] expected = Arrays.copyOf(predShape, Math.max(predShape.length - 1, 0));
        INDArray labels = yTrue;
        if (yTrue.rank() == yPred.rank() && yTrue.size(yTrue.rank() - 1) == 1) {
            labels = yTrue.reshape(expected);
        }
        if (yPred.rank() < 2 || !Arrays.equals(labels.shape(), expected)) {
            throw new IllegalArgumentException(name() + ": expected yPred [n, classes] and integer labels yTrue [n] or [n, 1], found yTrue "
                    + shape(yTrue) + " and yPred " + shape(yPred) + "; for one-hot labels use CategoricalAccuracy");
        }
        INDArray predictedClass = yPred.argMax(yPred.rank() - 1).castTo(DataType.DOUBLE);
        return labels.castTo(DataType.DOUBLE).eq(predictedClass.reshape(expected)).castTo(DataType.DOUBLE);
    }
}
