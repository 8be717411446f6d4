package io.orrery.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** Prints Keras-style epoch lines on the driver: {@code 468/468 - 3.1s - 19350 samples/s - loss: 0.2611 ...}. */
final class ProgressLine {

    private final PrintStream out;

    ProgressLine(PrintStream out) {
        this.out = out;
    }

    void epochStart(int epoch, int epochs) {
        out.printf(Locale.ROOT, "Epoch %d/%d%n", epoch + 1, epochs);
    }

    void epochEnd(int steps, double seconds, long samples, Map<String, Double> values) {
        StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "%d/%d [==============================] - %.1fs - %.0f samples/s",
                steps, steps, seconds, samples / Math.max(seconds, 1e-9)));
        values.forEach((k, v) -> line.append(String.format(Locale.ROOT, " - %s: %.4f", k, v)));
        out.println(line);
        out.flush();
    }
}
