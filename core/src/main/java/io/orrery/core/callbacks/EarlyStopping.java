package io.orrery.core.callbacks;

import java.util.Map;

/**
 * Stops training when a monitored value stops improving, as {@code keras.callbacks.EarlyStopping} (monitor
 * "val_loss", min_delta 0, patience 0, mode by name: "acc"/"accuracy" maximize, else minimize).
 */
public final class EarlyStopping extends Callback {

    private final String monitor;
    private final double minDelta;
    private final int patience;
    private final boolean maximize;
    private double best;
    private int wait;
    private int stoppedEpoch = -1;

    public EarlyStopping() {
        this("val_loss", 0.0, 0);
    }

    public EarlyStopping(String monitor, double minDelta, int patience) {
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0, received " + patience);
        }
        this.monitor = monitor;
        this.minDelta = Math.abs(minDelta);
        this.patience = patience;
        this.maximize = monitor.endsWith("acc") || monitor.endsWith("accuracy") || monitor.endsWith("auc");
    }

    @Override
    public void onTrainBegin() {
        best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        wait = 0;
        stoppedEpoch = -1;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Double current = logs.get(monitor);
        if (current == null) {
            throw new IllegalStateException("EarlyStopping monitors \"" + monitor + "\", which is not in the logs " + logs.keySet()
                    + "; pass validation data for val_ metrics or monitor one of those");
        }
        boolean improved = maximize ? current - minDelta > best : current + minDelta < best;
        if (improved) {
            best = current;
            wait = 0;
            return;
        }
        wait++;
        // Keras: stop once `patience` epochs in a row brought no improvement (patience 0 and 1 both stop at the first)
        if (wait >= patience) {
            stoppedEpoch = epoch;
            model.setStopTraining(true);
        }
    }

    /** The epoch (0-based) at which training was stopped, or -1. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }
}
