package io.orrery.core.callbacks;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-style progress output: {@code Epoch 1/5} then
 * {@code 469/469 [==============================] - 1s 3ms/step - loss: 0.2570 - accuracy: 0.9257}.
 *
 * <p>Verbose 1 redraws the bar in place on a terminal (at most every 50 ms) and prints only the final line when the
 * output is a file or pipe, so CI logs stay short; verbose 2 prints one line per epoch. Hand-written because the
 * format is Keras's, which progress-bar libraries do not produce.
 */
public final class ProgressLogger extends Callback {

    private static final int BAR_WIDTH = 30;
    private static final long REDRAW_INTERVAL_NS = 50_000_000L;

    private final PrintStream out;
    private final int verbose;
    private final boolean interactive;
    private long epochStartNs;
    private long lastDrawNs;

    public ProgressLogger(int verbose) {
        this(verbose, System.out, System.console() != null);
    }

    public ProgressLogger(int verbose, PrintStream out, boolean interactive) {
        this.verbose = verbose;
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void onEpochBegin(int epoch) {
        epochStartNs = System.nanoTime();
        lastDrawNs = 0;
        if (verbose > 0) {
            out.println("Epoch " + (epoch + 1) + "/" + epochs);
        }
    }

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        if (verbose != 1 || !interactive) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDrawNs >= REDRAW_INTERVAL_NS && batch + 1 < steps) {
            lastDrawNs = now;
            out.print("\r" + line(batch + 1, now, logs, false));
            out.flush();
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (verbose == 0) {
            return;
        }
        out.println((interactive && verbose == 1 ? "\r" : "") + line(steps, System.nanoTime(), logs, true));
    }

    /** One progress line, e.g. {@code 469/469 [====] - 1s 3ms/step - loss: 0.2570}. */
    String line(int done, long nowNs, Map<String, Double> logs, boolean finished) {
        StringBuilder sb = new StringBuilder();
        String total = String.valueOf(steps);
        sb.append(" ".repeat(Math.max(0, total.length() - String.valueOf(done).length()))).append(done).append('/').append(total).append(' ');
        int filled = steps == 0 ? BAR_WIDTH : (int) ((long) BAR_WIDTH * done / steps);
        sb.append('[');
        if (finished || filled >= BAR_WIDTH) {
            sb.append("=".repeat(BAR_WIDTH));
        } else {
            sb.append("=".repeat(Math.max(0, filled))).append('>').append(".".repeat(BAR_WIDTH - filled - 1));
        }
        sb.append(']');
        double elapsedS = (nowNs - epochStartNs) / 1e9;
        double perStepMs = done == 0 ? 0 : elapsedS * 1000 / done;
        if (finished) {
            sb.append(String.format(Locale.ROOT, " - %ds %dms/step", Math.round(elapsedS), Math.round(perStepMs)));
        } else {
            double etaS = perStepMs * (steps - done) / 1000;
            sb.append(String.format(Locale.ROOT, " - ETA: %ds", Math.round(etaS)));
        }
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            sb.append(String.format(Locale.ROOT, " - %s: %.4f", e.getKey(), e.getValue()));
        }
        return sb.toString();
    }
}
