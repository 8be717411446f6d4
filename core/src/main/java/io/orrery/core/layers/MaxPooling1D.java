package io.orrery.core.layers;

import java.util.Map;

/**
 * Max pooling over channels-last sequences, as {@code keras.layers.MaxPooling1D}: inputs {@code (batch, steps,
 * channels)}, pool_size 2 and strides equal to it by default.
 */
public final class MaxPooling1D extends PoolingLayer {

    /** {@code MaxPooling1D(pool_size)}: strides equal to the pool size, "valid" padding. */
    public MaxPooling1D(int poolSize) {
        this(poolSize, null, "valid");
    }

    /** {@code strides == null} means the pool size, as in Keras; padding "valid" or "same". */
    public MaxPooling1D(int poolSize, Integer strides, String padding) {
        super(1, true, poolSize, strides, padding);
    }

    /** Keras's arguments as tuples of 1 (pool_size and strides may differ per axis). */
    public MaxPooling1D(int[] poolSize, int[] strides, String padding) {
        super(1, true, poolSize, strides, padding);
    }

    /** Rebuilds the layer from {@link #getConfig()} (Keras's keys and defaults). */
    public static MaxPooling1D fromConfig(Map<String, Object> config) {
        Object strides = config.get("strides");
        MaxPooling1D layer = new MaxPooling1D(Tuples.of(config.getOrDefault("pool_size", 2), 1, "MaxPooling1D", "pool_size"),
                strides == null ? null : Tuples.of(strides, 1, "MaxPooling1D", "strides"),
                (String) config.getOrDefault("padding", "valid"));
        Tuples.channelsLast(config.get("data_format"), "MaxPooling1D");
        layer.setName((String) config.get("name"));
        return layer;
    }
}
