package io.orrery.core.callbacks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.IllegalFormatException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Saves the model after each epoch, as {@code keras.callbacks.ModelCheckpoint}. The path may contain
 * {@code {epoch}}, replaced by the 1-based epoch number, and any value of the logs, formatted as in Keras:
 * {@code "model-{epoch:02d}-{val_loss:.2f}.orrery"}; with {@code saveBestOnly} only improvements of the
 * monitored value are saved.
 */
public final class ModelCheckpoint extends Callback {

    /** A field of the path pattern: {@code {name}} or {@code {name:format}}. */
    private static final Pattern FIELD = Pattern.compile("\\{(\\w+)(?::([^}]*))?}");

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

    /**
     * The path for an epoch: Keras's fields {@code {epoch}} (1-based) and {@code {key}} of the logs, with an optional
     * format as in Python ({@code {epoch:02d}}, {@code {val_loss:.2f}}).
     */
    static String fileName(String pattern, int epoch, Map<String, Double> logs) {
        Matcher m = FIELD.matcher(pattern);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String spec = m.group(2);
            Object value = key.equals("epoch") ? (Object) (epoch + 1) : logs.get(key);
            if (value == null) {
                throw new IllegalStateException("ModelCheckpoint path " + pattern + " names {" + key + "}, which is not in the logs "
                        + logs.keySet() + " (nor epoch)");
            }
            if (spec != null && spec.endsWith("d") && value instanceof Double d) {
                value = Math.round(d);
            }
            String text;
            try {
                text = spec == null ? String.valueOf(value) : String.format(Locale.ROOT, "%" + spec, value);
            } catch (IllegalFormatException e) {
                throw new IllegalArgumentException("ModelCheckpoint path " + pattern + ": cannot format {" + key + ":" + spec + "}: "
                        + e.getMessage() + "; use a format such as 02d or .4f", e);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(text));
        }
        m.appendTail(sb);
        return sb.toString();
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
        Path file = Path.of(fileName(pathPattern, epoch, logs));
        try {
            model.save(file);
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint could not save to " + file + ": " + e.getMessage(), e);
        }
    }
}
