package io.orrery.core.layers;

import java.util.Map;

/**
 * The largest value of each channel over all positions, as {@code keras.layers.GlobalMaxPooling2D}: {@code
 * (batch, height, width, channels)} to {@code (batch, channels)}.
 */
public final class GlobalMaxPooling2D extends GlobalPooling {

    public GlobalMaxPooling2D() {
        super(2, true);
    }

    /** Rebuilds the layer from {@link #getConfig()}; Keras's keepdims=True is not supported. */
    public static GlobalMaxPooling2D fromConfig(Map<String, Object> config) {
        return GlobalPooling.fromConfig(config, "GlobalMaxPooling2D", GlobalMaxPooling2D::new);
    }
}
