package io.orrery.core.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code Mean}: the (weighted) average of all values seen. State: a total and a count, so merging adds them.
 *
 * <p>Values of shape {@code [n, ...]} count as {@code n} samples, each the mean of its own elements (Keras's
 * sample-wise reduction). With one element per sample (the accuracies' case) total and count are sums of exact
 * values, so merged states equal the whole bit for bit; otherwise up to floating-point summation order.
 */
public class Mean extends Metric {

    private static final long serialVersionUID = 1L;

    private double total;
    private double count;

    public Mean() {
        this("mean");
    }

    public Mean(String name) {
        super(name);
    }

    /**
     * Adds a batch of values (any numeric type); an empty array changes nothing. As in Keras, {@code [n, ...]}
     * counts as {@code n} samples, each the mean of its own elements; a scalar counts as one sample.
     */
    public void updateState(INDArray values) {
        if (values == null) {
            throw new IllegalArgumentException(name() + ": expected an array of values, found null");
        }
        if (values.isEmpty() || values.length() == 0) {
            return;
        }
        double sum = values.castTo(DataType.DOUBLE).sumNumber().doubleValue();
        long samples = values.rank() == 0 ? 1 : values.size(0);
        long elementsPerSample = values.length() / samples;
        // the sum of per-sample means; exact (no division) in the common case of one element per sample
        add(elementsPerSample == 1 ? sum : sum / elementsPerSample, samples);
    }

    /** Adds one value with weight 1. */
    public void updateState(double value) {
        updateState(value, 1.0);
    }

    /**
     * Adds {@code value} with {@code weight}, e.g. a batch's mean loss weighted by its batch size, as Keras tracks
     * the loss during {@code fit}.
     */
    public void updateState(double value, double weight) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException(name() + ": expected a finite weight >= 0, found " + weight);
        }
        add(value * weight, weight);
    }

    /**
     * Not meaningful for a plain mean, which averages values rather than comparing labels with predictions.
     *
     * @throws UnsupportedOperationException always; call {@link #updateState(INDArray)} instead
     */
    @Override
    public void updateState(INDArray yTrue, INDArray yPred) {
        throw new UnsupportedOperationException(name() + " averages values: call updateState(values), not updateState(yTrue, yPred)");
    }

    /** Adds a pre-reduced sum of {@code weight} samples. */
    protected final void add(double sum, double weight) {
        total += sum;
        count += weight;
    }

    @Override
    public double result() {
        return count == 0 ? 0.0 : total / count;
    }

    /** Sum of the values seen (weighted). */
    public double total() {
        return total;
    }

    /** Number (total weight) of the values seen. */
    public double count() {
        return count;
    }

    @Override
    public void resetState() {
        total = 0;
        count = 0;
    }

    @Override
    protected void mergeState(Metric other) {
        Mean o = (Mean) other;
        total += o.total;
        count += o.count;
    }
}
