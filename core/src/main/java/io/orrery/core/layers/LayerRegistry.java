package io.orrery.core.layers;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Function;

/**
 * Rebuilds layers from their configuration. Built-in layers are known by their Keras class name; a user layer is
 * found by its fully qualified class name and needs a {@code public static fromConfig(Map)} method.
 */
public final class LayerRegistry {

    private static final Map<String, Function<Map<String, Object>, Layer>> BUILT_IN = Map.ofEntries(
            Map.entry("Dense", Dense::fromConfig),
            Map.entry("Activation", Activation::fromConfig),
            Map.entry("Dropout", Dropout::fromConfig),
            Map.entry("Flatten", Flatten::fromConfig),
            Map.entry("Reshape", Reshape::fromConfig),
            // convolution and pooling
            Map.entry("Conv1D", Conv1D::fromConfig),
            Map.entry("Conv2D", Conv2D::fromConfig),
            Map.entry("MaxPooling1D", MaxPooling1D::fromConfig),
            Map.entry("MaxPooling2D", MaxPooling2D::fromConfig),
            Map.entry("AveragePooling2D", AveragePooling2D::fromConfig),
            Map.entry("GlobalAveragePooling1D", GlobalAveragePooling1D::fromConfig),
            Map.entry("GlobalAveragePooling2D", GlobalAveragePooling2D::fromConfig),
            Map.entry("GlobalMaxPooling2D", GlobalMaxPooling2D::fromConfig),
            Map.entry("ZeroPadding2D", ZeroPadding2D::fromConfig),
            // normalization, embedding and recurrent
            Map.entry("BatchNormalization", BatchNormalization::fromConfig),
            Map.entry("Embedding", Embedding::fromConfig),
            Map.entry("LSTM", LSTM::fromConfig),
            Map.entry("GRU", GRU::fromConfig));

    private LayerRegistry() {
    }

    /** The name written into model files for this layer's class. */
    public static String classNameOf(Layer layer) {
        String simple = layer.getClass().getSimpleName();
        return BUILT_IN.containsKey(simple) && layer.getClass().getPackageName().equals(Layer.class.getPackageName())
                ? simple : layer.getClass().getName();
    }

    public static Layer fromConfig(String className, Map<String, Object> config) {
        Function<Map<String, Object>, Layer> builtIn = BUILT_IN.get(className);
        if (builtIn != null) {
            return builtIn.apply(config);
        }
        try {
            Class<?> type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            Method factory = type.getMethod("fromConfig", Map.class);
            return (Layer) factory.invoke(null, config);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("Unknown layer class \"" + className + "\": expected one of " + BUILT_IN.keySet()
                    + " or a user layer class on the classpath", e);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("Layer class " + className + " has no public static fromConfig(Map) method;"
                    + " add one to load models that use it", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("Could not rebuild layer " + className + " from " + config + ": " + e.getCause(), e);
        }
    }
}
