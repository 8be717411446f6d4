package io.orrery.core.losses;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;

/**
 * -sum(l2_normalize(y_true) * l2_normalize(y_pred)) over the last axis: -1 for parallel vectors, as Keras
 * (which makes it a loss to minimize).
 */
public final class CosineSimilarity extends Loss {
    public CosineSimilarity() { this(Reduction.SUM_OVER_BATCH_SIZE); }
    public CosineSimilarity(Reduction reduction) { super(reduction); }
    @Override public String name() { return "cosine_similarity"; }

    @Override
    protected Tensor perSample(Tensor yTrue, Tensor yPred) {
        yTrue = asFloat(yTrue, yPred);
        requireSameShape(yTrue, yPred);
        return Ops.neg(Ops.sum(Ops.mul(l2Normalize(yTrue), l2Normalize(yPred)), false, -1));
    }

    private static Tensor l2Normalize(Tensor x) {
        Tensor squares = Ops.sum(Ops.square(x), true, -1);
        return Ops.div(x, Ops.sqrt(Ops.maximum(squares, 1e-12)));
    }
}
