package io.orrery.core.losses;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;

/** mean((log(1 + y_true) - log(1 + y_pred))^2) over the last axis, with values clipped at epsilon as Keras does. */
public final class MeanSquaredLogarithmicError extends Loss {
    public MeanSquaredLogarithmicError() { this(Reduction.SUM_OVER_BATCH_SIZE); }
    public MeanSquaredLogarithmicError(Reduction reduction) { super(reduction); }
    @Override public String name() { return "mean_squared_logarithmic_error"; }

    @Override
    protected Tensor perSample(Tensor yTrue, Tensor yPred) {
        yTrue = asFloat(yTrue, yPred);
        requireSameShape(yTrue, yPred);
        Tensor a = Ops.log1p(Ops.clip(yPred, EPSILON, Double.MAX_VALUE));
        Tensor b = Ops.log1p(Ops.clip(yTrue, EPSILON, Double.MAX_VALUE));
        return meanLastAxis(Ops.square(Ops.sub(b, a)));
    }
}
