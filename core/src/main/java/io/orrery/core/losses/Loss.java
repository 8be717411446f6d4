package io.orrery.core.losses;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of all losses, as {@code keras.losses.Loss}: a subclass writes the per-sample formula; the base class checks
 * shapes and reduces over the batch ("sum_over_batch_size" by default, like Keras).
 */
public abstract class Loss {

    /** How per-sample losses become the value returned by {@link #call}. */
    public enum Reduction {
        SUM_OVER_BATCH_SIZE, SUM, NONE;

        public static Reduction get(String name) {
            return switch (name) {
                case "sum_over_batch_size" -> SUM_OVER_BATCH_SIZE;
                case "sum" -> SUM;
                case "none" -> NONE;
                default -> throw new IllegalArgumentException("Invalid value for reduction: expected one of "
                        + "[sum_over_batch_size, sum, none], received \"" + name + "\"");
            };
        }
    }

    /** Keeps logs and divisions away from zero, as Keras's {@code epsilon()}. */
    public static final double EPSILON = 1e-7;

    private final Reduction reduction;

    protected Loss(Reduction reduction) {
        this.reduction = reduction;
    }

    /** Keras's name, e.g. {@code "sparse_categorical_crossentropy"}. */
    public abstract String name();

    /**
     * Per-sample loss, shape [batch].
     *
     * @param yTrue targets
     * @param yPred predictions, shape [batch, ...]
     */
    protected abstract Tensor perSample(Tensor yTrue, Tensor yPred);

    /** The reduced loss (a scalar unless the reduction is NONE). */
    public Tensor call(Tensor yTrue, Tensor yPred) {
        if (yPred.rank() == 0 || yPred.shape()[0] == 0) {
            throw new IllegalArgumentException(name() + ": expected predictions of shape (batch, ...) with batch > 0, found "
                    + Arrays.toString(yPred.shape()));
        }
        if (yTrue.rank() == yPred.rank() - 1 && yPred.shape()[yPred.rank() - 1] == 1
                && yTrue.array().length() == yPred.array().length()) {
            // as Keras: targets (batch,) go with predictions (batch, 1), e.g. a Dense(1, "sigmoid") binary classifier
            yTrue = new Tensor(yTrue.array().reshape(yPred.shape()));
        }
        Tensor losses = perSample(yTrue, yPred);
        return switch (reduction) {
            case SUM_OVER_BATCH_SIZE -> Ops.mean(losses);
            case SUM -> Ops.sum(losses);
            case NONE -> losses;
        };
    }

    public Reduction reduction() {
        return reduction;
    }

    /** Checks that targets have the predictions' shape (the dense losses need it). */
    protected void requireSameShape(Tensor yTrue, Tensor yPred) {
        if (!Arrays.equals(yTrue.shape(), yPred.shape())) {
            throw new IllegalArgumentException(name() + ": expected targets of the predictions' shape "
                    + Arrays.toString(yPred.shape()) + ", found " + Arrays.toString(yTrue.shape()));
        }
    }

    /** Casts integer targets to the predictions' float type (targets are constants, not differentiated). */
    protected static Tensor asFloat(Tensor yTrue, Tensor yPred) {
        return yTrue.dataType() == yPred.dataType() ? yTrue : new Tensor(yTrue.array().castTo(yPred.dataType()));
    }

    /** Mean over the last axis, Keras's usual per-sample reduction for elementwise losses. */
    protected static Tensor meanLastAxis(Tensor t) {
        return t.rank() == 1 ? t : Ops.mean(t, false, -1);
    }

    public Map<String, Object> getConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", name());
        config.put("reduction", reduction.name().toLowerCase());
        return config;
    }
}
