package io.orrery.core.optimizers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A linear warm-up in front of another schedule: for {@code step < warmup_steps} the rate goes in a straight line
 * from {@code initial_learning_rate} (default 0) towards {@code after}'s rate at its own step 0; from
 * {@code warmup_steps} on it is {@code after.valueAt(step - warmup_steps)}, so the wrapped schedule starts its
 * decay when the warm-up ends and the curve has no jump.
 */
public final class LinearWarmup implements LearningRateSchedule {

    private static final String NAME = "LinearWarmup";

    private final LearningRateSchedule after;
    private final long warmupSteps;
    private final double initialLearningRate;

    /** Warm-up from 0. */
    public LinearWarmup(LearningRateSchedule after, long warmupSteps) {
        this(after, warmupSteps, 0.0);
    }

    /**
     * @param after               schedule followed after the warm-up; not null
     * @param warmupSteps         length of the warm-up, {@code >= 0}
     * @param initialLearningRate rate at step 0, {@code >= 0}
     */
    public LinearWarmup(LearningRateSchedule after, long warmupSteps, double initialLearningRate) {
        if (after == null) {
            throw new IllegalArgumentException(NAME + ": expected a schedule to follow after the warm-up, found null");
        }
        this.after = after;
        this.warmupSteps = Checks.nonNegative(NAME, "warmup_steps", warmupSteps);
        this.initialLearningRate = Checks.nonNegative(NAME, "initial_learning_rate", initialLearningRate);
    }

    @Override
    public double valueAt(long iteration) {
        if (iteration >= warmupSteps) {
            return after.valueAt(iteration - warmupSteps);
        }
        double target = after.valueAt(0);
        return initialLearningRate + (target - initialLearningRate) * ((double) iteration / warmupSteps);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("warmup_steps", warmupSteps);
        inner.put("initial_learning_rate", initialLearningRate);
        inner.put("after", after.getConfig());
        return Schedules.wrap(NAME, inner);
    }

    static LinearWarmup fromConfig(Map<String, ?> config) {
        ConfigReader reader = new ConfigReader(NAME, config);
        if (!reader.has("after")) {
            throw new IllegalArgumentException(NAME + ": missing required setting \"after\" (the schedule to follow)");
        }
        LinearWarmup schedule = new LinearWarmup(Schedules.fromConfig(reader.raw("after")), reader.requireLong("warmup_steps"),
                reader.getDouble("initial_learning_rate", 0.0));
        reader.raw("name");
        reader.rejectUnknown();
        return schedule;
    }
}
