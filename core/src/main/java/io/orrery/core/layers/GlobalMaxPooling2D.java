package io.orrery.core.layers;

import java.util.Map;

/**
 * The largest value of each channel over all positions, as {@code keras.layers.GlobalMaxPooling2D}: {@code
 * (batch, height, width, channels)} to {@code (batch, channels)}.
 */
public final class GlobalMaxPooling2D extends PoolingLayer {

    public GlobalMaxPooling2D() {
        super(2, true);
    }

    /** Rebuilds the layer from {@link #getConfig()}; Keras's keepdims=True is not supported. */
    public static GlobalMaxPooling2D fromConfig(Map<String, Object> config) {
        Tuples.channelsLast(config.get("data_format"), "GlobalMaxPooling2D");
        if (Boolean.TRUE.equals(config.get("keepdims"))) {
            throw new IllegalArgumentException("GlobalMaxPooling2D: keepdims=true is not supported; add a Reshape after the layer");
        }
        GlobalMaxPooling2D layer = new GlobalMaxPooling2D();
        layer.setName((String) config.get("name"));
        return layer;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("keepdims", false);
        return config;
    }
}
