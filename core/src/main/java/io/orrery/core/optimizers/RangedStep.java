package io.orrery.core.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One optimizer step applied range by range, so that a caller can use the first ranges' new values while later
 * ranges are still being computed (the parameter server sends each chunk as soon as it is updated). Applying every
 * range once and then calling {@link #finish()} equals one {@link Optimizer#apply} over the whole vector bit for bit:
 * every optimizer here is element-wise, and all ranges use the same learning rate and step number.
 *
 * <p>The views are made once, here: making ND4J views per range and step would cost more than the update itself.
 * Tied to the given arrays and state; not thread-safe.
 */
public final class RangedStep {

    private final Optimizer optimizer;
    private final OptimizerState state;
    private final INDArray[] params;
    private final INDArray[] grads;
    private final INDArray[][] slots;
    private final INDArray[][] scratch;

    /**
     * @param offsets first element of each range
     * @param lengths length of each range; the ranges must lie within the vectors (they may leave gaps)
     */
    public RangedStep(Optimizer optimizer, INDArray params, INDArray grads, OptimizerState state, int[] offsets,
                      int[] lengths) {
        long n = params.length();
        if (grads.length() != n || (state.size() >= 0 && state.size() != n)
                || state.slots().length != optimizer.slotCount() || offsets.length != lengths.length) {
            throw new IllegalArgumentException("optimizer " + optimizer.name() + ": expected params, grads and a state "
                    + "of this optimizer of equal length, and one length per offset; found params=" + n + " grads="
                    + grads.length() + " state=" + state.size() + " offsets=" + offsets.length + " lengths="
                    + lengths.length);
        }
        this.optimizer = optimizer;
        this.state = state;
        int ranges = offsets.length;
        this.params = new INDArray[ranges];
        this.grads = new INDArray[ranges];
        this.slots = new INDArray[ranges][];
        this.scratch = new INDArray[ranges][];
        INDArray[] fullScratch = state.scratchFor(params, optimizer.scratchCount());
        for (int r = 0; r < ranges; r++) {
            long from = offsets[r];
            long to = from + lengths[r];
            if (from < 0 || lengths[r] <= 0 || to > n) {
                throw new IllegalArgumentException("range " + r + " [" + from + ", " + to + ") is not within the "
                        + n + " parameters");
            }
            this.params[r] = view(params, from, to);
            this.grads[r] = view(grads, from, to);
            slots[r] = views(state.slots(), from, to);
            scratch[r] = views(fullScratch, from, to);
        }
    }

    public int ranges() {
        return params.length;
    }

    /** Updates range {@code r} with the state's current step; call once per range, then {@link #finish()}. */
    public void apply(int r) {
        long iteration = state.iterations();
        optimizer.updateStep(params[r], grads[r], slots[r], scratch[r], optimizer.learningRate(iteration),
                iteration + 1);
    }

    /** Ends the step: advances the state's iteration counter, as {@link Optimizer#apply} does. */
    public void finish() {
        state.advance();
    }

    private static INDArray view(INDArray vector, long from, long to) {
        return vector.reshape(-1).get(NDArrayIndex.interval(from, to));
    }

    private static INDArray[] views(INDArray[] vectors, long from, long to) {
        INDArray[] out = new INDArray[vectors.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = view(vectors[i], from, to);
        }
        return out;
    }
}
