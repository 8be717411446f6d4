package io.orrery.core.optimizers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras 3's {@code CosineDecay}: an optional linear warm-up from {@code initial_learning_rate} to
 * {@code warmup_target} over {@code warmup_steps}, then a cosine decay over {@code decay_steps} from the warm-up
 * target (or from {@code initial_learning_rate} when there is no warm-up) down to {@code alpha} times that value,
 * where it stays.
 */
public final class CosineDecay implements LearningRateSchedule {

    private static final String NAME = "CosineDecay";

    private final double initialLearningRate;
    private final long decaySteps;
    private final double alpha;
    private final Double warmupTarget;
    private final long warmupSteps;

    /** Cosine decay to 0 without warm-up. */
    public CosineDecay(double initialLearningRate, long decaySteps) {
        this(initialLearningRate, decaySteps, 0.0, null, 0);
    }

    public CosineDecay(double initialLearningRate, long decaySteps, double alpha) {
        this(initialLearningRate, decaySteps, alpha, null, 0);
    }

    /**
     * @param initialLearningRate rate at step 0, {@code >= 0}
     * @param decaySteps          length of the cosine part, {@code > 0}
     * @param alpha               floor as a fraction of the decayed-from rate, in [0, 1]
     * @param warmupTarget        rate reached at the end of the warm-up; {@code null} for no warm-up (Keras's None)
     * @param warmupSteps         length of the warm-up, {@code >= 0}; ignored when {@code warmupTarget} is null
     */
    public CosineDecay(double initialLearningRate, long decaySteps, double alpha, Double warmupTarget, long warmupSteps) {
        this.initialLearningRate = Checks.nonNegative(NAME, "initial_learning_rate", initialLearningRate);
        this.decaySteps = Checks.positive(NAME, "decay_steps", decaySteps);
        this.alpha = Checks.unitClosed(NAME, "alpha", alpha);
        this.warmupTarget = warmupTarget == null ? null : Checks.nonNegative(NAME, "warmup_target", warmupTarget);
        this.warmupSteps = Checks.nonNegative(NAME, "warmup_steps", warmupSteps);
    }

    @Override
    public double valueAt(long iteration) {
        double step = iteration;
        if (warmupTarget == null) {
            return decay(Math.min(step, decaySteps), initialLearningRate);
        }
        step = Math.min(step, (double) decaySteps + warmupSteps);
        if (step < warmupSteps) {
            double fraction = step / warmupSteps;
            return (warmupTarget - initialLearningRate) * fraction + initialLearningRate;
        }
        return decay(step - warmupSteps, warmupTarget);
    }

    private double decay(double step, double from) {
        double completed = step / decaySteps;
        double cosine = 0.5 * (1.0 + Math.cos(Math.PI * completed));
        return from * ((1 - alpha) * cosine + alpha);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("initial_learning_rate", initialLearningRate);
        inner.put("decay_steps", decaySteps);
        inner.put("alpha", alpha);
        inner.put("warmup_target", warmupTarget);
        inner.put("warmup_steps", warmupSteps);
        return Schedules.wrap(NAME, inner);
    }

    static CosineDecay fromConfig(Map<String, ?> config) {
        ConfigReader reader = new ConfigReader(NAME, config);
        Double target = reader.has("warmup_target") ? reader.getDouble("warmup_target", 0) : null;
        CosineDecay schedule = new CosineDecay(reader.requireDouble("initial_learning_rate"), reader.requireLong("decay_steps"),
                reader.getDouble("alpha", 0.0), target, reader.getLong("warmup_steps", 0));
        reader.raw("name");
        reader.rejectUnknown();
        return schedule;
    }
}
