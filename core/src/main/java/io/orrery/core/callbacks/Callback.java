package io.orrery.core.callbacks;

import io.orrery.core.models.Sequential;

import java.util.Map;

/**
 * Hooks into {@code fit}, as {@code keras.callbacks.Callback}. Override what you need; logs map "loss",
 * "accuracy", "val_loss", ... to values.
 */
public abstract class Callback {

    protected Sequential model;
    protected int epochs;
    protected int steps;

    /** Called by fit before training. */
    public void setContext(Sequential model, int epochs, int steps) {
        this.model = model;
        this.epochs = epochs;
        this.steps = steps;
    }

    public void onTrainBegin() {
    }

    public void onTrainEnd(Map<String, Double> logs) {
    }

    public void onEpochBegin(int epoch) {
    }

    public void onEpochEnd(int epoch, Map<String, Double> logs) {
    }

    public void onTrainBatchBegin(int batch) {
    }

    /** Logs hold the running means of loss and metrics over the epoch so far. */
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    }
}
