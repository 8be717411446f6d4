package io.orrery.spark;

import io.orrery.core.callbacks.Terminal;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** Prints Keras-style epoch lines on the driver: {@code 468/468 - 3.1s - 19350 samples/s - loss: 0.2611 ...}. */
final class ProgressLine {

    private final PrintStream out;
    private final boolean live;

    /**
     * @param live whether {@code out} is a terminal: only then is the line redrawn with {@code \r} as steps pass.
     *             {@code orrery.progress=lines} ({@link Terminal}) turns redrawing off whatever this says, so that a
     *             log never holds carriage returns.
     */
    ProgressLine(PrintStream out, boolean live) {
        this.out = out;
        this.live = live && Terminal.redrawAllowed();
    }

    boolean live() {
        return live;
    }

    void epochStart(int epoch, int epochs) {
        out.printf(Locale.ROOT, "Epoch %d/%d%n", epoch + 1, epochs);
    }

    /**
     * Rewrites the current line while an epoch runs: {@code 57/156 [==========>...] - 2.1s - 3480 samples/s}. For a
     * {@link #live()} line only (the trainer starts no updater otherwise).
     */
    synchronized void update(long done, int steps, double seconds, int batchSize) {
        long shown = Math.max(0, Math.min(done, steps));
        int filled = (int) (30 * shown / Math.max(1, steps));
        String bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + ".".repeat(30 - filled);
        out.printf(Locale.ROOT, "\r%d/%d [%s] - %.1fs - %.0f samples/s", shown, steps, bar, seconds,
                shown * batchSize / Math.max(seconds, 1e-9));
        out.flush();
    }

    synchronized void epochEnd(int steps, double seconds, long samples, Map<String, Double> values) {
        // In a log file only the final line of each epoch appears, as in core's ProgressLogger.
        StringBuilder line = new StringBuilder(live ? "\r" : "");
        line.append(String.format(Locale.ROOT, "%d/%d [==============================] - %.1fs - %.0f samples/s",
                steps, steps, seconds, samples / Math.max(seconds, 1e-9)));
        values.forEach((k, v) -> line.append(String.format(Locale.ROOT, " - %s: %.4f", k, v)));
        out.println(line);
        out.flush();
    }
}
