package io.orrery.core.losses;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;

import java.util.Map;

/**
 * -sum(y_true * log(y_pred)) over classes, for one-hot targets. Probabilities are renormalized and clipped as Keras
 * does; with {@code fromLogits} a stable log-softmax is used. When the model ends in a softmax, training fuses softmax
 * and this loss, so the gradient is the exact {@code p - y}.
 */
public final class CategoricalCrossentropy extends Loss {
    private final boolean fromLogits;

    public CategoricalCrossentropy() { this(false); }
    public CategoricalCrossentropy(boolean fromLogits) { this(fromLogits, Reduction.SUM_OVER_BATCH_SIZE); }
    public CategoricalCrossentropy(boolean fromLogits, Reduction reduction) { super(reduction); this.fromLogits = fromLogits; }
    @Override public String name() { return "categorical_crossentropy"; }

    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    protected Tensor perSample(Tensor yTrue, Tensor yPred) {
        yTrue = asFloat(yTrue, yPred);
        requireSameShape(yTrue, yPred);
        return crossEntropy(yTrue, yPred, fromLogits);
    }

    static Tensor crossEntropy(Tensor oneHot, Tensor yPred, boolean fromLogits) {
        Tensor logP;
        if (fromLogits) {
            logP = Ops.logSoftmax(yPred);
        } else {
            Tensor p = Ops.div(yPred, Ops.sum(yPred, true, -1));
            logP = Ops.log(Ops.clip(p, EPSILON, 1 - EPSILON));
        }
        return Ops.neg(Ops.sum(Ops.mul(oneHot, logP), false, -1));
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("from_logits", fromLogits);
        return c;
    }
}
