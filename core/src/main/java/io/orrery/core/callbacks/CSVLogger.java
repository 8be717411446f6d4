package io.orrery.core.callbacks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes one CSV row per epoch ({@code epoch,loss,accuracy,...}), as {@code keras.callbacks.CSVLogger}. */
public final class CSVLogger extends Callback {

    private final Path file;
    private final boolean append;
    private List<String> keys;

    public CSVLogger(Path file) {
        this(file, false);
    }

    public CSVLogger(Path file, boolean append) {
        this.file = file;
        this.append = append;
    }

    @Override
    public void onTrainBegin() {
        keys = null;
        if (!append) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("CSVLogger cannot replace " + file + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            if (keys == null) {
                keys = new ArrayList<>(logs.keySet());
                if (Files.size(file) == 0) {
                    w.write("epoch," + String.join(",", keys));
                    w.newLine();
                }
            }
            StringBuilder row = new StringBuilder().append(epoch);
            for (String k : keys) {
                Double v = logs.get(k);
                row.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.8g", v));
            }
            w.write(row.toString());
            w.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
