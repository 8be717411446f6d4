package io.orrery.core.callbacks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Saves the model after each epoch, as {@code keras.callbacks.ModelCheckpoint}. The path may contain
 * {@code {epoch}}, replaced by the 1-based epoch number; with {@code saveBestOnly} only improvements of the
 * monitored value are saved.
 */
public final class ModelCheckpoint extends Callback {

    private final String pathPattern;
    private final String monitor;
    private final boolean saveBestOnly;
    private final boolean maximize;
    private double best;

    public ModelCheckpoint(String pathPattern) {
        this(pathPattern, "val_loss", false);
    }

    public ModelCheckpoint(String pathPattern, String monitor, boolean saveBestOnly) {
        this.pathPattern = pathPattern;
        this.monitor = monitor;
        this.saveBestOnly = saveBestOnly;
        this.maximize = monitor.endsWith("acc") || monitor.endsWith("accuracy") || monitor.endsWith("auc");
    }

    @Override
    public void onTrainBegin() {
        best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (saveBestOnly) {
            Double current = logs.get(monitor);
            if (current == null) {
                throw new IllegalStateException("ModelCheckpoint monitors \"" + monitor + "\", which is not in the logs " + logs.keySet());
            }
            if (maximize ? current <= best : current >= best) {
                return;
            }
            best = current;
        }
        Path file = Path.of(pathPattern.replace("{epoch}", String.valueOf(epoch + 1)));
        try {
            model.save(file);
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint could not save to " + file + ": " + e.getMessage(), e);
        }
    }
}
