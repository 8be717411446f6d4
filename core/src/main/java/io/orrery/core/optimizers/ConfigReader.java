package io.orrery.core.optimizers;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads typed values out of a plain configuration map (as parsed from a model file), with messages that name the
 * owner, the key, what was expected and what was found.
 *
 * <p>Every key the owner reads is remembered so that {@link #rejectUnknown()} can refuse typos such as
 * {@code "learning_rat"}, as Keras refuses unknown keyword arguments.
 */
final class ConfigReader {

    private final String owner;
    private final Map<String, ?> config;
    private final Set<String> known = new HashSet<>();

    ConfigReader(String owner, Map<String, ?> config) {
        if (config == null) {
            throw new IllegalArgumentException(owner + ": expected a configuration map, found null");
        }
        this.owner = owner;
        this.config = config;
    }

    boolean has(String key) {
        known.add(key);
        return config.containsKey(key) && config.get(key) != null;
    }

    Object raw(String key) {
        known.add(key);
        return config.get(key);
    }

    double getDouble(String key, double defaultValue) {
        known.add(key);
        Object value = config.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        throw new IllegalArgumentException(owner + ": expected a number for \"" + key + "\", found "
                + describe(value) + "; write it as a plain number, e.g. 0.001");
    }

    double requireDouble(String key) {
        if (!has(key)) {
            throw new IllegalArgumentException(owner + ": missing required setting \"" + key + "\" in " + config.keySet());
        }
        return getDouble(key, Double.NaN);
    }

    long getLong(String key, long defaultValue) {
        known.add(key);
        Object value = config.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number number) {
            double d = number.doubleValue();
            if (d != Math.rint(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException(owner + ": expected a whole number for \"" + key + "\", found " + value);
            }
            return number.longValue();
        }
        throw new IllegalArgumentException(owner + ": expected a whole number for \"" + key + "\", found " + describe(value));
    }

    long requireLong(String key) {
        if (!has(key)) {
            throw new IllegalArgumentException(owner + ": missing required setting \"" + key + "\" in " + config.keySet());
        }
        return getLong(key, 0);
    }

    boolean getBoolean(String key, boolean defaultValue) {
        known.add(key);
        Object value = config.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(owner + ": expected true or false for \"" + key + "\", found " + describe(value));
    }

    /**
     * Accepts Keras base-optimizer keys that Orrery does not implement only when they hold Keras's "off" value,
     * so that a config exported from Keras with defaults loads, and one that relies on them fails loudly.
     */
    void allowIfOff(String key, Object offValue) {
        known.add(key);
        Object value = config.get(key);
        if (value == null || value.equals(offValue)) {
            return;
        }
        throw new IllegalArgumentException(owner + ": setting \"" + key + "\" = " + value
                + " is not supported by Orrery; remove it (or set it to " + (offValue == null ? "null" : offValue) + ")");
    }

    void rejectUnknown() {
        for (String key : config.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(owner + ": unknown setting \"" + key + "\"; expected some of "
                        + new TreeSet<>(known));
            }
        }
    }

    private static String describe(Object value) {
        return value.getClass().getSimpleName() + " " + (value instanceof String ? "\"" + value + "\"" : value);
    }
}
