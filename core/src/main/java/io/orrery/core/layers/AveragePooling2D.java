package io.orrery.core.layers;

import java.util.Map;

/**
 * Average pooling over channels-last images, as {@code keras.layers.AveragePooling2D}; with "same" padding a
 * window averages its cells inside the image only, as TensorFlow does.
 */
public final class AveragePooling2D extends PoolingLayer {

    /** {@code AveragePooling2D(pool_size)}: strides equal to the pool size, "valid" padding. */
    public AveragePooling2D(int poolSize) {
        this(poolSize, null, "valid");
    }

    /** {@code strides == null} means the pool size, as in Keras; padding "valid" or "same". */
    public AveragePooling2D(int poolSize, Integer strides, String padding) {
        super(2, false, poolSize, strides, padding);
    }

    /** Keras's arguments as tuples of 2 (pool_size and strides may differ per axis). */
    public AveragePooling2D(int[] poolSize, int[] strides, String padding) {
        super(2, false, poolSize, strides, padding);
    }

    /** Rebuilds the layer from {@link #getConfig()} (Keras's keys and defaults). */
    public static AveragePooling2D fromConfig(Map<String, Object> config) {
        Object strides = config.get("strides");
        AveragePooling2D layer = new AveragePooling2D(Tuples.of(config.getOrDefault("pool_size", 2), 2, "AveragePooling2D", "pool_size"),
                strides == null ? null : Tuples.of(strides, 2, "AveragePooling2D", "strides"),
                (String) config.getOrDefault("padding", "valid"));
        Tuples.channelsLast(config.get("data_format"), "AveragePooling2D");
        layer.setName((String) config.get("name"));
        return layer;
    }
}
