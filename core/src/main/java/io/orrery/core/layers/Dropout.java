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
 * {@code keras.layers.Dropout}; does nothing at inference.
 */
public final class Dropout extends Layer implements FusedLayer {

    private final double rate;
    private final Random random;
    private INDArray lastMask;

    public Dropout(double rate) {
        this(rate, new Random().nextLong());
    }

    /** A dropout layer whose masks follow the given seed. */
    public Dropout(double rate, long seed) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout rate must be in [0, 1), received " + rate);
        }
        this.rate = rate;
        this.random = new Random(seed);
    }

    public static Dropout fromConfig(Map<String, Object> config) {
        Dropout d = new Dropout(((Number) config.get("rate")).doubleValue());
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
        return config;
    }
}
