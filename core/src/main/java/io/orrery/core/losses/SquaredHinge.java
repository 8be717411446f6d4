package io.orrery.core.losses;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;

/** mean(max(1 - y_true * y_pred, 0)^2); 0/1 targets are converted to -1/1 as Keras does. */
public final class SquaredHinge extends Loss {
    public SquaredHinge() { this(Reduction.SUM_OVER_BATCH_SIZE); }
    public SquaredHinge(Reduction reduction) { super(reduction); }
    @Override public String name() { return "squared_hinge"; }

    @Override
    protected Tensor perSample(Tensor yTrue, Tensor yPred) {
        Tensor y = signedTargets(asFloat(yTrue, yPred));
        requireSameShape(y, yPred);
        return meanLastAxis(Ops.square(Ops.maximum(Ops.sub(yPred.scalarLike(1.0), Ops.mul(y, yPred)), 0.0)));
    }

    /** Keras maps binary 0/1 targets to -1/1 when every target is exactly 0 or 1; other targets stay. */
    static Tensor signedTargets(Tensor y) {
        boolean binary = !y.array().mul(y.array().rsub(1.0)).neq(0.0).any();  // y (1 - y) == 0 everywhere
        return binary ? new Tensor(y.array().mul(2.0).subi(1.0)) : y;
    }
}
