package io.orrery.core.losses;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * Categorical cross-entropy with integer class targets of shape [batch] or [batch, 1], as Keras's MNIST
 * example uses. Labels outside [0, classes) are an error, not garbage.
 */
public final class SparseCategoricalCrossentropy extends Loss {
    private final boolean fromLogits;

    public SparseCategoricalCrossentropy() { this(false); }
    public SparseCategoricalCrossentropy(boolean fromLogits) { this(fromLogits, Reduction.SUM_OVER_BATCH_SIZE); }
    public SparseCategoricalCrossentropy(boolean fromLogits, Reduction reduction) { super(reduction); this.fromLogits = fromLogits; }
    @Override public String name() { return "sparse_categorical_crossentropy"; }

    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    protected Tensor perSample(Tensor yTrue, Tensor yPred) {
        if (yPred.rank() != 2 || yTrue.array().length() != yPred.shape()[0]) {
            throw new IllegalArgumentException(name() + ": expected class indices of shape (" + yPred.shape()[0]
                    + ",) for predictions of shape (batch, classes), found targets " + Arrays.toString(yTrue.shape())
                    + " and predictions " + Arrays.toString(yPred.shape()));
        }
        Tensor oneHot = Ops.oneHot(yTrue.array(), (int) yPred.shape()[1], yPred.dataType());
        return CategoricalCrossentropy.crossEntropy(oneHot, yPred, fromLogits);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("from_logits", fromLogits);
        return c;
    }
}
