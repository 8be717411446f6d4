package io.orrery.core.losses;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;

import java.util.Map;

/**
 * -(y log p + (1 - y) log(1 - p)), averaged over the last axis. With {@code fromLogits} the predictions are logits and
 * the stable form {@code max(x, 0) - x y + log(1 + exp(-|x|))} is used.
 */
public final class BinaryCrossentropy extends Loss {
    private final boolean fromLogits;

    public BinaryCrossentropy() { this(false); }
    public BinaryCrossentropy(boolean fromLogits) { this(fromLogits, Reduction.SUM_OVER_BATCH_SIZE); }
    public BinaryCrossentropy(boolean fromLogits, Reduction reduction) { super(reduction); this.fromLogits = fromLogits; }
    @Override public String name() { return "binary_crossentropy"; }

    @Override
    protected Tensor perSample(Tensor yTrue, Tensor yPred) {
        yTrue = asFloat(yTrue, yPred);
        requireSameShape(yTrue, yPred);
        if (fromLogits) {
            Tensor x = yPred;
            Tensor loss = Ops.add(Ops.sub(Ops.maximum(x, 0.0), Ops.mul(x, yTrue)), Ops.log1p(Ops.exp(Ops.neg(Ops.abs(x)))));
            return meanLastAxis(loss);
        }
        Tensor p = Ops.clip(yPred, EPSILON, 1 - EPSILON);
        Tensor one = p.scalarLike(1.0);
        Tensor loss = Ops.neg(Ops.add(Ops.mul(yTrue, Ops.log(p)), Ops.mul(Ops.sub(one, yTrue), Ops.log(Ops.sub(one, p)))));
        return meanLastAxis(loss);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("from_logits", fromLogits);
        return c;
    }
}
