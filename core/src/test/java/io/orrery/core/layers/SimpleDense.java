package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;

import java.util.Map;

/**
 * The seed's user-defined layer, written as a user would: weights in {@code build} with {@code addWeight},
 * computation in {@code call} with {@link Ops}; no fused path, so models using it train through the tape. The
 * {@code fromConfig} factory lets model files that use it be loaded.
 */
public class SimpleDense extends Layer {

    private final int units;
    private final String activation;
    private Variable w;
    private Variable b;

    public SimpleDense(int units, String activation) {
        this.units = units;
        this.activation = activation;
    }

    @Override
    protected void build(long[] inputShape) {
        long inputDim = inputShape[inputShape.length - 1];
        w = addWeight("kernel", new long[]{inputDim, units}, "random_normal");
        b = addWeight("bias", new long[]{units}, "zeros");
    }

    @Override
    public Tensor call(Tensor inputs) {
        Tensor y = Ops.add(Ops.matmul(inputs, w), b);
        return activation == null ? y : ActivationFunction.get(activation).apply(y);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("units", units);
        config.put("activation", activation);
        return config;
    }

    public static SimpleDense fromConfig(Map<String, Object> config) {
        SimpleDense layer = new SimpleDense(((Number) config.get("units")).intValue(), (String) config.get("activation"));
        layer.setName((String) config.get("name"));
        return layer;
    }
}
