package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Sets a fraction {@code rate} of inputs to zero during training and scales the rest by {@code 1/(1-rate)}, as
 * {@code keras.layers.Dropout}; does nothing at inference. A seed, when given, is part of the configuration (as in
 * Keras), so a layer rebuilt from {@link #getConfig()} (a model file, a Spark task's replica) draws the same masks.
 */
public final class Dropout extends Layer implements FusedLayer {

    private final double rate;
    private final Long seed;
    private final Random random;
    private INDArray lastMask;

    /** A dropout layer with unseeded masks (Keras's {@code seed=None}). */
    public Dropout(double rate) {
        this(rate, null);
    }

    /** A dropout layer whose masks follow the given seed. */
    public Dropout(double rate, long seed) {
        this(rate, Long.valueOf(seed));
    }

    private Dropout(double rate, Long seed) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout rate must be in [0, 1), received " + rate);
        }
        this.rate = rate;
        this.seed = seed;
        this.random = seed == null ? new Random() : new Random(seed);
    }

    /** Rebuilds the layer from {@link #getConfig()}: rate, name and seed ({@code null} or absent: unseeded). */
    public static Dropout fromConfig(Map<String, Object> config) {
        Object seed = config.get("seed");
        Dropout d = new Dropout(((Number) config.get("rate")).doubleValue(),
                seed instanceof Number n ? Long.valueOf(n.longValue()) : null);
        d.setName((String) config.get("name"));
        return d;
    }

    @Override
    public Tensor call(Tensor inputs, boolean training) {
        if (!training || rate == 0) {
            return inputs;
        }
        return Ops.mul(inputs, new Tensor(mask(inputs.array())));
    }

    private INDArray mask(INDArray like) {
        INDArray m = Nd4j.createUninitialized(like.dataType(), like.shape(), like.ordering());
        long n = m.length();
        double keep = 1.0 / (1.0 - rate);
        float[] values = new float[(int) n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextDouble() < rate ? 0f : (float) keep;
        }
        m.assign(Nd4j.create(values, like.shape(), like.ordering()).castTo(like.dataType()));
        return m;
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        return inputShape.clone();
    }

    @Override
    public void bindGradients(List<INDArray> gradientViews) {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        if (!training || rate == 0) {
            lastMask = null;
            return input;
        }
        lastMask = mask(input);
        return input.mul(lastMask);
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        return lastMask == null ? gradOutput : gradOutput.muli(lastMask);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("rate", rate);
        config.put("seed", seed);
        return config;
    }
}
