package io.orrery.core.losses;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;

/** sum(y_true * log(y_true / y_pred)) over the last axis, both clipped to [epsilon, 1] as Keras does. */
public final class KLDivergence extends Loss {
    public KLDivergence() { this(Reduction.SUM_OVER_BATCH_SIZE); }
    public KLDivergence(Reduction reduction) { super(reduction); }
    @Override public String name() { return "kl_divergence"; }

    @Override
    protected Tensor perSample(Tensor yTrue, Tensor yPred) {
        yTrue = asFloat(yTrue, yPred);
        requireSameShape(yTrue, yPred);
        Tensor t = Ops.clip(yTrue, EPSILON, 1);
        Tensor p = Ops.clip(yPred, EPSILON, 1);
        Tensor terms = Ops.mul(t, Ops.log(Ops.div(t, p)));
        return Ops.sum(terms, false, -1);  // over the last axis, as Keras: a vector is one distribution
    }
}
