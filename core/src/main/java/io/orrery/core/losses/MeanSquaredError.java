package io.orrery.core.losses;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;

/** mean((y_true - y_pred)^2) over the last axis. */
public final class MeanSquaredError extends Loss {
    public MeanSquaredError() { this(Reduction.SUM_OVER_BATCH_SIZE); }
    public MeanSquaredError(Reduction reduction) { super(reduction); }
    @Override public String name() { return "mean_squared_error"; }

    @Override
    protected Tensor perSample(Tensor yTrue, Tensor yPred) {
        yTrue = asFloat(yTrue, yPred);
        requireSameShape(yTrue, yPred);
        return meanLastAxis(Ops.square(Ops.sub(yTrue, yPred)));
    }
}
