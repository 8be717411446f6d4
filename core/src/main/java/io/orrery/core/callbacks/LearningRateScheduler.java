package io.orrery.core.callbacks;

import java.util.function.BiFunction;

/**
 * Sets the learning rate at the start of each epoch from {@code schedule(epoch, currentLr)}, as
 * {@code keras.callbacks.LearningRateScheduler}.
 */
public final class LearningRateScheduler extends Callback {

    private final BiFunction<Integer, Double, Double> schedule;

    public LearningRateScheduler(BiFunction<Integer, Double, Double> schedule) {
        this.schedule = schedule;
    }

    @Override
    public void onEpochBegin(int epoch) {
        double current = model.optimizer().learningRate(model.optimizerState().iterations());
        Double next = schedule.apply(epoch, current);
        if (next == null || !(next > 0) || Double.isInfinite(next)) {
            throw new IllegalArgumentException("LearningRateScheduler: the schedule must return a positive finite learning rate, returned "
                    + next + " at epoch " + epoch);
        }
        model.optimizer().setLearningRate(next);
    }
}
