package io.orrery.core.losses;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;

/** mean(max(1 - y_true * y_pred, 0)); 0/1 targets are converted to -1/1 as Keras does. */
public final class Hinge extends Loss {
    public Hinge() { this(Reduction.SUM_OVER_BATCH_SIZE); }
    public Hinge(Reduction reduction) { super(reduction); }
    @Override public String name() { return "hinge"; }

    @Override
    protected Tensor perSample(Tensor yTrue, Tensor yPred) {
        Tensor y = SquaredHinge.signedTargets(asFloat(yTrue, yPred));
        requireSameShape(y, yPred);
        return meanLastAxis(Ops.maximum(Ops.sub(yPred.scalarLike(1.0), Ops.mul(y, yPred)), 0.0));
    }
}
