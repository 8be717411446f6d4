package io.orrery.core.tensor;

import io.orrery.core.autodiff.Backward;
import io.orrery.core.autodiff.GradientTape;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How an operation's result reaches the tapes, and how a variable's value enters an operation.
 *
 * <p>A gradient rule reads its inputs' values when {@code gradient} runs, which may be after a variable was
 * assigned. So an operation never captures a {@link Variable} itself while a tape records: {@link #in} hands it a
 * read of the variable instead, and the variable copies its old value into its outstanding reads before an assign
 * changes it (TensorFlow's behaviour: a gradient uses the forward pass's values).
 */
final class Recording {

    private Recording() {
    }

    static Tensor record(INDArray value, Tensor[] inputs, Backward backward) {
        Tensor out = new Tensor(value);
        GradientTape.record(out, inputs, backward);
        return out;
    }

    /** The tensor an operation should capture for {@code t}: a read if {@code t} is a variable under a tape. */
    static Tensor in(Tensor t) {
        if (t instanceof Variable v && GradientTape.anyRecording()) {
            return v.read();
        }
        return t;
    }

    static Tensor[] in(Tensor[] ts) {
        Tensor[] out = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            out[i] = in(ts[i]);
        }
        return out;
    }

    /**
     * An array for an output that would otherwise be a view of {@code input}'s memory: a view of a variable's read
     * would change when the variable is assigned, so it is copied.
     */
    static INDArray ownedView(Tensor input, INDArray view) {
        return input.borrowed() ? view.dup() : view;
    }
}
