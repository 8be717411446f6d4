package io.orrery.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code MeanMetricWrapper}: the mean of a per-element value computed from labels and predictions
 * (1 for a match, 0 otherwise, for the accuracies). For 0/1 values the state is two integer counts held exactly
 * in doubles, so merging is exact.
 */
public abstract class MeanMetricWrapper extends Mean {

    private static final long serialVersionUID = 1L;

    protected MeanMetricWrapper(String name) {
        super(name);
    }

    /**
     * The per-sample (or per-element) values for one non-empty batch, e.g. 1.0 where the prediction is right.
     *
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    protected abstract INDArray values(INDArray yTrue, INDArray yPred);

    @Override
    public final void updateState(INDArray yTrue, INDArray yPred) {
        requireNonNull(yTrue, yPred, name());
        if (Shapes.emptyBatch(yTrue, yPred, name())) {
            return;
        }
        updateState(values(yTrue, yPred));
    }
}
