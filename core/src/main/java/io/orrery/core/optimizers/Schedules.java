package io.orrery.core.optimizers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rebuilds learning-rate schedules from their configuration, in Keras's serialized shape
 * {@code {"class_name": "ExponentialDecay", "config": {...}}}.
 */
public final class Schedules {

    private static final String VALID = "[ConstantLearningRate, ExponentialDecay, CosineDecay, LinearWarmup]";

    private Schedules() {
    }

    /**
     * Builds a schedule from {@link LearningRateSchedule#getConfig()} output; a plain number means a constant rate,
     * as in Keras's {@code learning_rate=0.001}.
     *
     * @throws IllegalArgumentException for an unknown class name or a bad setting
     */
    public static LearningRateSchedule fromConfig(Object config) {
        if (config instanceof Number number) {
            return new ConstantLearningRate(number.doubleValue());
        }
        if (!(config instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("learning rate: expected a number or a schedule configuration map, found "
                    + (config == null ? "null" : config.getClass().getSimpleName() + " \"" + config + "\"")
                    + "; write a plain number such as 0.001 or a schedule's getConfig() map");
        }
        Object className = map.get("class_name");
        Object inner = map.get("config");
        if (!(className instanceof String name) || !(inner instanceof Map<?, ?> innerMap)) {
            throw new IllegalArgumentException("learning rate schedule: expected {\"class_name\": ..., \"config\": {...}}, found " + map);
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> settings = (Map<String, ?>) innerMap;
        return switch (name) {
            case "ConstantLearningRate" -> ConstantLearningRate.fromConfig(settings);
            case "ExponentialDecay" -> ExponentialDecay.fromConfig(settings);
            case "CosineDecay" -> CosineDecay.fromConfig(settings);
            case "LinearWarmup" -> LinearWarmup.fromConfig(settings);
            default -> throw new IllegalArgumentException("learning rate schedule: expected class_name one of " + VALID
                    + ", found \"" + name + "\"");
        };
    }

    static Map<String, Object> wrap(String className, Map<String, Object> inner) {
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("class_name", className);
        outer.put("config", inner);
        return outer;
    }
}
