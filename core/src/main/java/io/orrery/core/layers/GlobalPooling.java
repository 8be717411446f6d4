package io.orrery.core.layers;

import java.util.Map;
import java.util.function.Supplier;

/**
 * What the global pooling layers share beyond {@link PoolingLayer}: Keras's {@code keepdims} setting, always false
 * here, written into the config and refused when a config asks for true. A global pooling layer is then its
 * constructor and its {@code fromConfig}.
 */
abstract class GlobalPooling extends PoolingLayer {

    GlobalPooling(int rank, boolean max) {
        super(rank, max);
    }

    /** Rebuilds a global pooling layer from its config; Keras's keepdims=True is not supported. */
    static <T extends GlobalPooling> T fromConfig(Map<String, Object> config, String kind, Supplier<T> create) {
        Tuples.channelsLast(config.get("data_format"), kind);
        if (Boolean.TRUE.equals(config.get("keepdims"))) {
            throw new IllegalArgumentException(kind + ": keepdims=true is not supported; add a Reshape after the layer");
        }
        T layer = create.get();
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
