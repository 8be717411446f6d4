package io.orrery.core.optimizers;

import java.util.LinkedHashMap;
import java.util.Map;

/** The same learning rate at every step: what a plain number such as {@code learning_rate=0.001} means in Keras. */
public final class ConstantLearningRate implements LearningRateSchedule {

    private final double learningRate;

    /** @param learningRate a finite value {@code >= 0} */
    public ConstantLearningRate(double learningRate) {
        this.learningRate = Checks.nonNegative("ConstantLearningRate", "learning_rate", learningRate);
    }

    public double learningRate() {
        return learningRate;
    }

    @Override
    public double valueAt(long iteration) {
        return learningRate;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("learning_rate", learningRate);
        return Schedules.wrap("ConstantLearningRate", inner);
    }

    static ConstantLearningRate fromConfig(Map<String, ?> config) {
        ConfigReader reader = new ConfigReader("ConstantLearningRate", config);
        double lr = reader.requireDouble("learning_rate");
        reader.raw("name");
        reader.rejectUnknown();
        return new ConstantLearningRate(lr);
    }

    @Override
    public String toString() {
        return "ConstantLearningRate(" + learningRate + ")";
    }
}
