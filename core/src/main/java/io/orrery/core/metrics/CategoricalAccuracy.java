package io.orrery.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Keras's {@code CategoricalAccuracy}: how often the predicted class (argmax over the last axis) is the labelled
 * class (argmax of the one-hot label). yTrue and yPred both {@code [n, classes]} (or any equal shapes with the
 * classes last); ties go to the first maximum, as in NumPy.
 */
public class CategoricalAccuracy extends MeanMetricWrapper {

    private static final long serialVersionUID = 1L;

    public CategoricalAccuracy() {
        this("categorical_accuracy");
    }

    public CategoricalAccuracy(String name) {
        super(name);
    }

    @Override
    protected void accumulate(INDArray yTrue, INDArray yPred) {
        if (yPred.rank() < 2 || !Arrays.equals(yTrue.shape(), yPred.shape())) {
            throw new IllegalArgumentException(name() + ": expected one-hot yTrue and yPred of one shape [n, classes], found yTrue "
                    + shape(yTrue) + " and yPred " + shape(yPred)
                    + "; for integer labels use SparseCategoricalAccuracy");
        }
        long[] labelClass = HostArrays.argMaxRows(yTrue);
        long[] predictedClass = HostArrays.argMaxRows(yPred);
        long matches = 0;
        for (int i = 0; i < labelClass.length; i++) {
            if (labelClass[i] == predictedClass[i]) {
                matches++;
            }
        }
        addMatches(matches, labelClass.length, samples(yPred));
    }
}
