package io.orrery.examples;

import io.orrery.core.layers.Layer;
import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;

import java.util.Map;

/**
 * The seed's hand-written Dense layer: weights made in {@code build} from the first input's shape, computation in
 * {@code call}, gradients by the tape. Shows how a user writes a layer.
 */
public final class SimpleDense extends Layer {

    private final int units;
    private final String activation;
    private Variable w;
    private Variable b;

    public SimpleDense(int units, String activation) {
        this.units = units;
        this.activation = activation;
    }

    /** Lets model files that contain this layer be loaded. */
    public static SimpleDense fromConfig(Map<String, Object> config) {
        SimpleDense layer = new SimpleDense(((Number) config.get("units")).intValue(), (String) config.get("activation"));
        layer.setName((String) config.get("name"));
        return layer;
    }

    @Override
    protected void build(long[] inputShape) {
        long inputDim = inputShape[inputShape.length - 1];
        w = addWeight("W", new long[]{inputDim, units}, "random_normal");
        b = addWeight("b", new long[]{units}, "zeros");
    }

    @Override
    public Tensor call(Tensor inputs) {
        Tensor y = Ops.matmul(inputs, w).add(b);
        return switch (activation == null ? "linear" : activation) {
            case "relu" -> Ops.relu(y);
            case "softmax" -> Ops.softmax(y);
            case "linear" -> y;
            default -> throw new IllegalArgumentException("SimpleDense supports relu, softmax or none, received " + activation);
        };
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("units", units);
        config.put("activation", activation);
        return config;
    }
}
