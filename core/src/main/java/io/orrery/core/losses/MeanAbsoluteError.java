package io.orrery.core.losses;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;

/** mean(|y_true - y_pred|) over the last axis. */
public final class MeanAbsoluteError extends Loss {
    public MeanAbsoluteError() { this(Reduction.SUM_OVER_BATCH_SIZE); }
    public MeanAbsoluteError(Reduction reduction) { super(reduction); }
    @Override public String name() { return "mean_absolute_error"; }

    @Override
    protected Tensor perSample(Tensor yTrue, Tensor yPred) {
        yTrue = asFloat(yTrue, yPred);
        requireSameShape(yTrue, yPred);
        return meanLastAxis(Ops.abs(Ops.sub(yTrue, yPred)));
    }
}
