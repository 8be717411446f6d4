package io.orrery.core.optimizers;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Looks optimizers up by Keras's string names and rebuilds them from {@link Optimizer#getConfig()} maps. Every
 * optimizer is registered once, in {@link #REGISTRY}: a new one is one line there.
 */
public final class Optimizers {

    /** How to make one optimizer: with Keras's defaults, and from a configuration. */
    private record Entry(Supplier<Optimizer> defaults, BiFunction<ConfigReader, LearningRateSchedule, Optimizer> fromConfig) {
    }

    /** Keras's default learning rate of the adaptive optimizers (SGD's is 0.01). */
    private static final double ADAPTIVE_DEFAULT_LR = 0.001;

    /** Keras's string names to their optimizers, in the order error messages list them. */
    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("sgd", new Entry(SGD::new, (r, lr) -> SGD.fromConfig(r, lr != null ? lr : new ConstantLearningRate(0.01))));
        REGISTRY.put("rmsprop", new Entry(RMSprop::new, (r, lr) -> RMSprop.fromConfig(r, orDefault(lr))));
        REGISTRY.put("adam", new Entry(Adam::new, (r, lr) -> Adam.fromConfig(r, orDefault(lr))));
        REGISTRY.put("adagrad", new Entry(Adagrad::new, (r, lr) -> Adagrad.fromConfig(r, orDefault(lr))));
        REGISTRY.put("adadelta", new Entry(Adadelta::new, (r, lr) -> Adadelta.fromConfig(r, orDefault(lr))));
    }

    /** Keras's string identifiers, in the order error messages list them. */
    public static final String VALID_NAMES = REGISTRY.keySet().toString();

    private Optimizers() {
    }

    /**
     * A new optimizer with Keras's defaults for a Keras string name ("sgd", "rmsprop", "adam", "adagrad",
     * "adadelta"; case-insensitive, as Keras also accepts "SGD" and "RMSprop").
     *
     * @throws IllegalArgumentException for any other name, listing the valid ones
     */
    public static Optimizer get(String name) {
        if (name == null) {
            throw new IllegalArgumentException("optimizer: expected one of " + VALID_NAMES + ", found null");
        }
        Entry entry = REGISTRY.get(name.toLowerCase(Locale.ROOT));
        if (entry == null) {
            throw new IllegalArgumentException("optimizer: expected one of " + VALID_NAMES + ", found \"" + name
                    + "\"; pass an Optimizer object for anything else");
        }
        return entry.defaults().get();
    }

    /**
     * Rebuilds an optimizer from its configuration: the flat map {@link Optimizer#getConfig()} returns (the
     * {@code "name"} entry picks the class), or Keras's serialized form {@code {"class_name": "Adam", "config": {...}}}.
     * Keras base-optimizer keys Orrery does not implement (clipnorm, weight_decay, use_ema, ...) are accepted only
     * at their "off" values; unknown keys are an error.
     *
     * @throws IllegalArgumentException for an unknown optimizer, an unknown key or a value out of range
     */
    public static Optimizer fromConfig(Map<String, ?> config) {
        if (config == null) {
            throw new IllegalArgumentException("optimizer: expected a configuration map, found null");
        }
        String name;
        Map<String, ?> settings;
        if (config.get("class_name") instanceof String className && config.get("config") instanceof Map<?, ?> inner) {
            name = className;
            @SuppressWarnings("unchecked")
            Map<String, ?> innerSettings = (Map<String, ?>) inner;
            settings = innerSettings;
        } else if (config.get("name") instanceof String plainName) {
            name = plainName;
            settings = config;
        } else {
            throw new IllegalArgumentException("optimizer: expected a \"name\" entry naming one of " + VALID_NAMES
                    + " (or Keras's {\"class_name\", \"config\"} form), found " + config.keySet());
        }
        String key = name.toLowerCase(Locale.ROOT);
        Entry entry = REGISTRY.get(key);
        if (entry == null) {
            throw new IllegalArgumentException("optimizer: expected one of " + VALID_NAMES + ", found \"" + name + "\"");
        }
        ConfigReader reader = new ConfigReader("optimizer " + key, settings);
        reader.raw("name");
        LearningRateSchedule lr = reader.has("learning_rate")
                ? Schedules.fromConfig(reader.raw("learning_rate")) : null;
        for (String off : new String[]{"weight_decay", "clipnorm", "clipvalue", "global_clipnorm",
                "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps"}) {
            reader.allowIfOff(off, null);
        }
        reader.allowIfOff("use_ema", Boolean.FALSE);
        reader.raw("ema_momentum");
        Optimizer optimizer = entry.fromConfig().apply(reader, lr);
        reader.rejectUnknown();
        return optimizer;
    }

    private static LearningRateSchedule orDefault(LearningRateSchedule lr) {
        return lr != null ? lr : new ConstantLearningRate(ADAPTIVE_DEFAULT_LR);
    }
}
