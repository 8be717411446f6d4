package io.orrery.core.layers;

import java.util.Map;

/**
 * The mean of each channel over all positions, as {@code keras.layers.GlobalAveragePooling2D}: {@code (batch,
 * height, width, channels)} to {@code (batch, channels)}.
 */
public final class GlobalAveragePooling2D extends PoolingLayer {

    public GlobalAveragePooling2D() {
        super(2, false);
    }

    /** Rebuilds the layer from {@link #getConfig()}; Keras's keepdims=True is not supported. */
    public static GlobalAveragePooling2D fromConfig(Map<String, Object> config) {
        Tuples.channelsLast(config.get("data_format"), "GlobalAveragePooling2D");
        if (Boolean.TRUE.equals(config.get("keepdims"))) {
            throw new IllegalArgumentException("GlobalAveragePooling2D: keepdims=true is not supported; add a Reshape after the layer");
        }
        GlobalAveragePooling2D layer = new GlobalAveragePooling2D();
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
