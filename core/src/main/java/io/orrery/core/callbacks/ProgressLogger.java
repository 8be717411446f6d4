package io.orrery.core.callbacks;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-style progress output: {@code Epoch 1/5} then
 * {@code 469/469 [==============================] - 1s 3ms/step - loss: 0.2570 - accuracy: 0.9257}.
 *
 * <p>Verbose 1 redraws the bar in place on a terminal (at most every 50 ms) and prints only the final line when the
 * output is a file or pipe, so CI logs stay short; verbose 2 prints Keras's one line per epoch,
 * {@code 469/469 - 2s - loss: 0.2586 - accuracy: 0.9251 - 2s/epoch - 4ms/step}. Hand-written because the
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

    /** Progress on standard output, redrawn in place only if that is a terminal ({@link Terminal#redraws}). */
    public ProgressLogger(int verbose) {
        this(verbose, System.out, Terminal.redraws(System.out));
    }

    /**
     * @param verbose     0 silent, 1 progress bar, 2 one line per epoch
     * @param out         where the lines go
     * @param interactive whether {@code out} shows a line redrawn with {@code \r} as one line (a terminal)
     */
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
        long now = System.nanoTime();
        out.println(verbose == 2 ? epochLine(now, logs) : (interactive ? "\r" : "") + line(steps, now, logs, true));
    }

    /** Keras's time per unit: whole seconds, milliseconds or microseconds, whichever is at least 1. */
    private static String perStep(double seconds) {
        return perUnit(seconds, "step");
    }

    private static String perUnit(double seconds, String unit) {
        if (seconds >= 1 || seconds == 0) {
            return String.format(Locale.ROOT, " %ds/%s", Math.round(seconds), unit);
        }
        return seconds >= 1e-3 ? String.format(Locale.ROOT, " %dms/%s", Math.round(seconds * 1e3), unit)
                : String.format(Locale.ROOT, " %dus/%s", Math.round(seconds * 1e6), unit);
    }

    /** Keras's verbose=2 line: {@code 469/469 - 2s - loss: 0.2586 - accuracy: 0.9251 - 2s/epoch - 4ms/step}. */
    String epochLine(long nowNs, Map<String, Double> logs) {
        double elapsedS = (nowNs - epochStartNs) / 1e9;
        StringBuilder sb = new StringBuilder().append(steps).append('/').append(steps)
                .append(String.format(Locale.ROOT, " - %ds", Math.round(elapsedS)));
        appendLogs(sb, logs);
        sb.append(" -").append(perUnit(elapsedS, "epoch")).append(" -").append(perStep(steps == 0 ? 0 : elapsedS / steps));
        return sb.toString();
    }

    private static void appendLogs(StringBuilder sb, Map<String, Double> logs) {
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            double v = e.getValue();
            sb.append(String.format(Locale.ROOT, Math.abs(v) > 1e-3 ? " - %s: %.4f" : " - %s: %.4e", e.getKey(), v));
        }
    }

    /** One progress line, e.g. {@code 469/469 [====] - 1s 3ms/step - loss: 0.2570}. */
    String line(int done, long nowNs, Map<String, Double> logs, boolean finished) {
        StringBuilder sb = new StringBuilder();
        String total = String.valueOf(steps);
        sb.append(" ".repeat(Math.max(0, total.length() - String.valueOf(done).length()))).append(done).append('/').append(total).append(' ');
        // Keras's Progbar: int(30 * done / steps) cells, the last of them '>' while running; dots for the rest
        int filled = steps == 0 ? BAR_WIDTH : (int) ((long) BAR_WIDTH * done / steps);
        sb.append('[');
        if (finished || filled >= BAR_WIDTH) {
            sb.append("=".repeat(BAR_WIDTH));
        } else {
            if (filled > 0) {
                sb.append("=".repeat(filled - 1)).append('>');
            }
            sb.append(".".repeat(BAR_WIDTH - filled));
        }
        sb.append(']');
        double elapsedS = (nowNs - epochStartNs) / 1e9;
        double perStepS = done == 0 ? 0 : elapsedS / done;
        if (finished) {
            sb.append(String.format(Locale.ROOT, " - %ds", Math.round(elapsedS))).append(perStep(perStepS));
        } else {
            long etaS = (long) (perStepS * (steps - done));
            String eta = etaS > 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", etaS / 3600, etaS % 3600 / 60, etaS % 60)
                    : etaS > 60 ? String.format(Locale.ROOT, "%d:%02d", etaS / 60, etaS % 60) : etaS + "s";
            sb.append(" - ETA: ").append(eta);
        }
        appendLogs(sb, logs);
        return sb.toString();
    }
}
