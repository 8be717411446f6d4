package io.orrery.core.layers;

import java.util.Map;

/**
 * The mean of each channel over all steps, as {@code keras.layers.GlobalAveragePooling1D}: {@code (batch,
 * steps, channels)} to {@code (batch, channels)}.
 */
public final class GlobalAveragePooling1D extends GlobalPooling {

    public GlobalAveragePooling1D() {
        super(1, false);
    }

    /** Rebuilds the layer from {@link #getConfig()}; Keras's keepdims=True is not supported. */
    public static GlobalAveragePooling1D fromConfig(Map<String, Object> config) {
        return GlobalPooling.fromConfig(config, "GlobalAveragePooling1D", GlobalAveragePooling1D::new);
    }
}
