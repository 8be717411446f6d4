package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Normalizes each feature of {@code axis} to zero mean and unit variance, then scales by {@code gamma} and shifts by
 * {@code beta}, as {@code keras.layers.BatchNormalization}:
 * {@code gamma * (x - mean) / sqrt(var + epsilon) + beta}.
 *
 * <p>In training (fit, or {@code call(x, true)}) {@code mean} and {@code var} are the batch's, over every axis but
 * {@code axis} (the biased variance, as Keras), and the moving statistics move towards them:
 * {@code moving = moving * momentum + batch * (1 - momentum)}. In inference they are {@code moving_mean} and
 * {@code moving_variance}. Weights, in Keras's creation order: {@code gamma} (if scale) and {@code beta} (if center)
 * are trainable; {@code moving_mean} and {@code moving_variance} are non-trainable, so they live outside the
 * parameter buffer that the optimizer and the parameter server see (docs/model-format.md).
 */
public final class BatchNormalization extends Layer {

    private final int axis;
    private final double momentum;
    private final double epsilon;
    private final boolean center;
    private final boolean scale;
    private final String betaInitializer;
    private final String gammaInitializer;
    private final String movingMeanInitializer;
    private final String movingVarianceInitializer;

    private int resolvedAxis;
    private long[] paramShape;
    private Variable gamma;
    private Variable beta;
    private Variable movingMean;
    private Variable movingVariance;

    /** Keras's defaults: axis -1, momentum 0.99, epsilon 1e-3, center and scale. */
    public BatchNormalization() {
        this(-1, 0.99, 1e-3, true, true);
    }

    public BatchNormalization(int axis, double momentum, double epsilon, boolean center, boolean scale) {
        this(axis, momentum, epsilon, center, scale, "zeros", "ones", "zeros", "ones");
    }

    public BatchNormalization(int axis, double momentum, double epsilon, boolean center, boolean scale,
                              String betaInitializer, String gammaInitializer,
                              String movingMeanInitializer, String movingVarianceInitializer) {
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNormalization momentum must be in [0, 1], received " + momentum);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("BatchNormalization epsilon must be positive, received " + epsilon);
        }
        for (String init : new String[]{betaInitializer, gammaInitializer, movingMeanInitializer, movingVarianceInitializer}) {
            LayerInitializers.get(init);
        }
        this.axis = axis;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.center = center;
        this.scale = scale;
        this.betaInitializer = betaInitializer;
        this.gammaInitializer = gammaInitializer;
        this.movingMeanInitializer = movingMeanInitializer;
        this.movingVarianceInitializer = movingVarianceInitializer;
    }

    /** Rebuilds the layer from {@link #getConfig()}. */
    public static BatchNormalization fromConfig(Map<String, Object> config) {
        Object axisValue = config.getOrDefault("axis", -1);
        if (axisValue instanceof List<?> list) {
            if (list.size() != 1) {
                throw new IllegalArgumentException("BatchNormalization supports one axis, received axis " + list);
            }
            axisValue = list.get(0);
        }
        BatchNormalization bn = new BatchNormalization(((Number) axisValue).intValue(),
                ((Number) config.getOrDefault("momentum", 0.99)).doubleValue(),
                ((Number) config.getOrDefault("epsilon", 1e-3)).doubleValue(),
                (Boolean) config.getOrDefault("center", true), (Boolean) config.getOrDefault("scale", true),
                (String) config.getOrDefault("beta_initializer", "zeros"), (String) config.getOrDefault("gamma_initializer", "ones"),
                (String) config.getOrDefault("moving_mean_initializer", "zeros"),
                (String) config.getOrDefault("moving_variance_initializer", "ones"));
        bn.setName((String) config.get("name"));
        return bn;
    }

    @Override
    protected void build(long[] inputShape) {
        int rank = inputShape.length;
        resolvedAxis = axis < 0 ? axis + rank : axis;
        if (rank < 2 || resolvedAxis < 1 || resolvedAxis >= rank) {
            throw new IllegalArgumentException("BatchNormalization " + name() + ": axis " + axis + " is not a feature axis of inputs of shape "
                    + Arrays.toString(inputShape) + "; expected an axis in [1, " + (rank - 1) + "] or [-" + (rank - 1) + ", -1]");
        }
        long features = inputShape[resolvedAxis];
        long[] shape = {features};
        if (scale) {
            gamma = addWeight("gamma", shape, LayerInitializers.get(gammaInitializer), true);
        }
        if (center) {
            beta = addWeight("beta", shape, LayerInitializers.get(betaInitializer), true);
        }
        movingMean = addWeight("moving_mean", shape, LayerInitializers.get(movingMeanInitializer), false);
        movingVariance = addWeight("moving_variance", shape, LayerInitializers.get(movingVarianceInitializer), false);
        // (1, ..., features, ..., 1): the weights broadcast against the input along the normalized axis
        paramShape = new long[rank];
        Arrays.fill(paramShape, 1);
        paramShape[resolvedAxis] = features;
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        ensureBuilt(inputShape);
        return inputShape.clone();
    }

    @Override
    public Tensor call(Tensor inputs, boolean training) {
        long[] shape = inputs.shape();
        long[] built = builtInputShape();
        if (shape.length != built.length || shape[resolvedAxis] != built[resolvedAxis]) {
            throw new IllegalArgumentException("BatchNormalization " + name() + " expects inputs of shape " + Arrays.toString(built)
                    + " (batch axis -1), found " + Arrays.toString(shape));
        }
        Tensor mean;
        Tensor variance;
        if (training) {
            int[] reduce = reductionAxes(shape.length);
            mean = Ops.mean(inputs, true, reduce);
            Tensor centered = Ops.sub(inputs, mean);
            variance = Ops.mean(Ops.square(centered), true, reduce);
            updateMoving(movingMean, mean.array());
            updateMoving(movingVariance, variance.array());
        } else {
            mean = Ops.reshape(new Tensor(movingMean.array().dup()), paramShape);
            variance = Ops.reshape(new Tensor(movingVariance.array().dup()), paramShape);
        }
        Tensor y = Ops.div(Ops.sub(inputs, mean), Ops.sqrt(Ops.add(variance, variance.scalarLike(epsilon))));
        if (scale) {
            y = Ops.mul(y, Ops.reshape(gamma, paramShape));
        }
        if (center) {
            y = Ops.add(y, Ops.reshape(beta, paramShape));
        }
        return y;
    }

    /** {@code moving = moving * momentum + batch * (1 - momentum)}, in place in the flat non-trainable buffer. */
    private void updateMoving(Variable moving, INDArray batchStatistic) {
        INDArray batch = batchStatistic.reshape(moving.shape()).castTo(moving.dataType());
        moving.array().muli(momentum).addi(batch.mul(1 - momentum));
    }

    private int[] reductionAxes(int rank) {
        int[] axes = new int[rank - 1];
        int n = 0;
        for (int i = 0; i < rank; i++) {
            if (i != resolvedAxis) {
                axes[n++] = i;
            }
        }
        return axes;
    }

    public Variable gamma() {
        return gamma;
    }

    public Variable beta() {
        return beta;
    }

    public Variable movingMean() {
        return movingMean;
    }

    public Variable movingVariance() {
        return movingVariance;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("axis", axis);
        config.put("momentum", momentum);
        config.put("epsilon", epsilon);
        config.put("center", center);
        config.put("scale", scale);
        config.put("beta_initializer", betaInitializer);
        config.put("gamma_initializer", gammaInitializer);
        config.put("moving_mean_initializer", movingMeanInitializer);
        config.put("moving_variance_initializer", movingVarianceInitializer);
        return config;
    }
}
