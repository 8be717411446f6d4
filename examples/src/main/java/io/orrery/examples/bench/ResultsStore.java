package io.orrery.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code results.json} in the output directory, which is also the state that lets a partly finished grid resume:
 * every finished run is written at once (atomically), and a restarted {@code bench} skips runs whose
 * configuration already has a successful row. Failed rows are kept until a retry replaces them.
 */
public final class ResultsStore {

    public static final String FILE_NAME = "results.json";

    private final Path file;
    private final Map<String, RunResult> rows = new LinkedHashMap<>();

    private ResultsStore(Path file) {
        this.file = file;
    }

    /** Opens the store in {@code outDir}, reading the rows of an earlier, possibly unfinished grid. */
    public static ResultsStore open(Path outDir) {
        ResultsStore store = new ResultsStore(outDir.resolve(FILE_NAME));
        if (Files.exists(store.file)) {
            try {
                String json = Files.readString(store.file, StandardCharsets.UTF_8);
                for (RunResult r : ResultsJson.parseArray(json, store.file.toString())) {
                    store.rows.put(r.config().key(), r);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + store.file + ": " + e.getMessage(), e);
            }
        }
        return store;
    }

    /** Whether the configuration already has a successful row, so a resumed grid skips it. */
    public boolean isDone(BenchConfig config) {
        RunResult r = rows.get(config.key());
        return r != null && r.ok();
    }

    /** Records a run (replacing an earlier row of the same configuration) and writes the file. */
    public void add(RunResult row) {
        rows.put(row.config().key(), row);
        save();
    }

    /** All rows, in the order their configurations were first recorded. */
    public List<RunResult> rows() {
        return new ArrayList<>(rows.values());
    }

    /** The file this store writes. */
    public Path file() {
        return file;
    }

    // Write to a temporary file, fsync, then rename: a bench killed mid-write leaves the previous, complete file.
    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
            Files.writeString(tmp, ResultsJson.toJson(rows()), StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }
}
