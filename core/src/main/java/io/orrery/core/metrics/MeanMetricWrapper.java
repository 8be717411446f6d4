package io.orrery.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code MeanMetricWrapper}: the mean of a per-element value computed from labels and predictions
 * (1 for a match, 0 otherwise, for the accuracies). For one value per sample the state is two integer counts held
 * exactly in doubles, so merging is exact.
 *
 * <p>The accuracies find classes with ND4J (argmax) and then compare and count in one Java pass over the batch:
 * each further ND4J op costs some 20 µs of fixed overhead here, more than comparing 10,000 numbers in Java, and
 * these metrics run on every training step.
 */
public abstract class MeanMetricWrapper extends Mean {

    private static final long serialVersionUID = 1L;

    protected MeanMetricWrapper(String name) {
        super(name);
    }

    /**
     * Accumulates one non-empty batch, through {@link #updateState(INDArray)} with per-element values or through
     * {@link #addMatches}.
     *
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    protected abstract void accumulate(INDArray yTrue, INDArray yPred);

    @Override
    public final void updateState(INDArray yTrue, INDArray yPred) {
        requireNonNull(yTrue, yPred, name());
        if (Shapes.emptyBatch(yTrue, yPred, name())) {
            return;
        }
        accumulate(yTrue, yPred);
    }

    /**
     * Adds {@code matches} right answers among {@code elements} compared elements of {@code samples} samples, with
     * Keras's sample-wise reduction (each sample contributes the fraction of its elements that match).
     */
    protected final void addMatches(long matches, long elements, long samples) {
        long perSample = elements / samples;
        add(perSample == 1 ? matches : (double) matches / perSample, samples);
    }

    static long samples(INDArray a) {
        return a.rank() == 0 ? 1 : a.size(0);
    }
}
