package io.orrery.core.optimizers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras's {@code ExponentialDecay}: {@code initial_learning_rate * decay_rate ^ (step / decay_steps)}, with the
 * exponent floored when {@code staircase} is set (the rate then drops once every {@code decay_steps} steps).
 */
public final class ExponentialDecay implements LearningRateSchedule {

    private static final String NAME = "ExponentialDecay";

    private final double initialLearningRate;
    private final long decaySteps;
    private final double decayRate;
    private final boolean staircase;

    public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false);
    }

    /**
     * @param initialLearningRate rate at step 0, {@code >= 0}
     * @param decaySteps          steps over which the rate is multiplied by {@code decayRate}, {@code > 0}
     * @param decayRate           factor per {@code decaySteps}, {@code > 0}
     * @param staircase           decay in discrete jumps instead of continuously
     */
    public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase) {
        this.initialLearningRate = Checks.nonNegative(NAME, "initial_learning_rate", initialLearningRate);
        this.decaySteps = Checks.positive(NAME, "decay_steps", decaySteps);
        this.decayRate = Checks.positive(NAME, "decay_rate", decayRate);
        this.staircase = staircase;
    }

    @Override
    public double valueAt(long iteration) {
        double p = (double) iteration / decaySteps;
        if (staircase) {
            p = Math.floor(p);
        }
        return initialLearningRate * Math.pow(decayRate, p);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("initial_learning_rate", initialLearningRate);
        inner.put("decay_steps", decaySteps);
        inner.put("decay_rate", decayRate);
        inner.put("staircase", staircase);
        return Schedules.wrap(NAME, inner);
    }

    static ExponentialDecay fromConfig(Map<String, ?> config) {
        ConfigReader reader = new ConfigReader(NAME, config);
        ExponentialDecay schedule = new ExponentialDecay(reader.requireDouble("initial_learning_rate"),
                reader.requireLong("decay_steps"), reader.requireDouble("decay_rate"), reader.getBoolean("staircase", false));
        reader.raw("name");
        reader.rejectUnknown();
        return schedule;
    }
}
