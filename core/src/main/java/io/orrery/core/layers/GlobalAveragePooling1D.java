package io.orrery.core.layers;

import java.util.Map;

/**
 * The mean of each channel over all steps, as {@code keras.layers.GlobalAveragePooling1D}: {@code (batch,
 * steps, channels)} to {@code (batch, channels)}.
 */
public final class GlobalAveragePooling1D extends PoolingLayer {

    public GlobalAveragePooling1D() {
        super(1, false);
    }

    /** Rebuilds the layer from {@link #getConfig()}; Keras's keepdims=True is not supported. */
    public static GlobalAveragePooling1D fromConfig(Map<String, Object> config) {
        Tuples.channelsLast(config.get("data_format"), "GlobalAveragePooling1D");
        if (Boolean.TRUE.equals(config.get("keepdims"))) {
            throw new IllegalArgumentException("GlobalAveragePooling1D: keepdims=true is not supported; add a Reshape after the layer");
        }
        GlobalAveragePooling1D layer = new GlobalAveragePooling1D();
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
