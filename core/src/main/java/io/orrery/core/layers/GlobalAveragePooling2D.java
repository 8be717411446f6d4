package io.orrery.core.layers;

import java.util.Map;

/**
 * The mean of each channel over all positions, as {@code keras.layers.GlobalAveragePooling2D}: {@code (batch,
 * height, width, channels)} to {@code (batch, channels)}.
 */
public final class GlobalAveragePooling2D extends GlobalPooling {

    public GlobalAveragePooling2D() {
        super(2, false);
    }

    /** Rebuilds the layer from {@link #getConfig()}; Keras's keepdims=True is not supported. */
    public static GlobalAveragePooling2D fromConfig(Map<String, Object> config) {
        return GlobalPooling.fromConfig(config, "GlobalAveragePooling2D", GlobalAveragePooling2D::new);
    }
}
