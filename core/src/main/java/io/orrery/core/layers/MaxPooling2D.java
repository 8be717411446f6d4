package io.orrery.core.layers;

import java.util.Map;

/**
 * Max pooling over channels-last images, as {@code keras.layers.MaxPooling2D}: inputs {@code (batch, height,
 * width, channels)}, pool_size 2 and strides equal to it by default, padding "valid" or "same".
 */
public final class MaxPooling2D extends PoolingLayer {

    /** {@code MaxPooling2D(pool_size)}: strides equal to the pool size, "valid" padding. */
    public MaxPooling2D(int poolSize) {
        this(poolSize, null, "valid");
    }

    /** {@code strides == null} means the pool size, as in Keras; padding "valid" or "same". */
    public MaxPooling2D(int poolSize, Integer strides, String padding) {
        super(2, true, poolSize, strides, padding);
    }

    /** Keras's arguments as tuples of 2 (pool_size and strides may differ per axis). */
    public MaxPooling2D(int[] poolSize, int[] strides, String padding) {
        super(2, true, poolSize, strides, padding);
    }

    /** Rebuilds the layer from {@link #getConfig()} (Keras's keys and defaults). */
    public static MaxPooling2D fromConfig(Map<String, Object> config) {
        Object strides = config.get("strides");
        MaxPooling2D layer = new MaxPooling2D(Tuples.of(config.getOrDefault("pool_size", 2), 2, "MaxPooling2D", "pool_size"),
                strides == null ? null : Tuples.of(strides, 2, "MaxPooling2D", "strides"),
                (String) config.getOrDefault("padding", "valid"));
        Tuples.channelsLast(config.get("data_format"), "MaxPooling2D");
        layer.setName((String) config.get("name"));
        return layer;
    }
}
