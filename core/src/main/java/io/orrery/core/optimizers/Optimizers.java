package io.orrery.core.optimizers;

import java.util.Locale;
import java.util.Map;

/** Looks optimizers up by Keras's string names and rebuilds them from {@link Optimizer#getConfig()} maps. */
public final class Optimizers {

    /** Keras's string identifiers, in the order error messages list them. */
    public static final String VALID_NAMES = "[sgd, rmsprop, adam, adagrad, adadelta]";

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
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sgd" -> new SGD();
            case "rmsprop" -> new RMSprop();
            case "adam" -> new Adam();
            case "adagrad" -> new Adagrad();
            case "adadelta" -> new Adadelta();
            default -> throw new IllegalArgumentException("optimizer: expected one of " + VALID_NAMES + ", found \"" + name
                    + "\"; pass an Optimizer object for anything else");
        };
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
        Optimizer optimizer = switch (key) {
            case "sgd" -> SGD.fromConfig(reader, lr != null ? lr : new ConstantLearningRate(0.01));
            case "rmsprop" -> RMSprop.fromConfig(reader, orDefault(lr));
            case "adam" -> Adam.fromConfig(reader, orDefault(lr));
            case "adagrad" -> Adagrad.fromConfig(reader, orDefault(lr));
            case "adadelta" -> Adadelta.fromConfig(reader, orDefault(lr));
            default -> throw new IllegalArgumentException("optimizer: expected one of " + VALID_NAMES + ", found \"" + name + "\"");
        };
        reader.rejectUnknown();
        return optimizer;
    }

    private static LearningRateSchedule orDefault(LearningRateSchedule lr) {
        return lr != null ? lr : new ConstantLearningRate(0.001);
    }
}
