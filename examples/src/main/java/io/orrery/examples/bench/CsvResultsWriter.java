package io.orrery.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@code results.csv}: one row per run, RFC 4180 quoting, empty cells for figures a system does not
 * measure. The accuracy curve is left to {@code results.json}.
 */
public final class CsvResultsWriter {

    public static final String FILE_NAME = "results.csv";

    /** Column names, in order. */
    public static final List<String> HEADER = List.of("system", "model", "master", "workers", "mode", "encoding",
            "batch_per_worker", "shards", "epochs", "status", "wall_seconds", "steps", "samples_per_second",
            "step_ms", "compute_ms", "communication_ms", "waiting_ms", "bytes_sent", "bytes_received",
            "parallel_efficiency", "seconds_to_97", "seconds_to_98", "final_accuracy", "started_at", "error");

    private CsvResultsWriter() {
    }

    /** Writes the rows to {@code outDir/results.csv} and returns the file. */
    public static Path write(Path outDir, List<RunResult> rows) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(",", HEADER)).append("\r\n");
        for (RunResult r : rows) {
            BenchConfig c = r.config();
            List<String> cells = new ArrayList<>(HEADER.size());
            cells.add(c.system());
            cells.add(c.model());
            cells.add(c.master());
            cells.add(Integer.toString(c.workers()));
            cells.add(c.mode());
            cells.add(c.encoding());
            cells.add(Integer.toString(c.batchPerWorker()));
            cells.add(Integer.toString(c.shards()));
            cells.add(Integer.toString(c.epochs()));
            cells.add(r.status());
            cells.add(num(r.wallSeconds()));
            cells.add(Long.toString(r.steps()));
            cells.add(num(r.samplesPerSecond()));
            cells.add(num(r.stepMs()));
            cells.add(num(r.computeMs()));
            cells.add(num(r.communicationMs()));
            cells.add(num(r.waitingMs()));
            cells.add(r.bytesSent() == null ? "" : r.bytesSent().toString());
            cells.add(r.bytesReceived() == null ? "" : r.bytesReceived().toString());
            cells.add(num(r.parallelEfficiency()));
            cells.add(num(r.secondsTo97()));
            cells.add(num(r.secondsTo98()));
            cells.add(num(r.finalAccuracy()));
            cells.add(r.startedAt() == null ? "" : r.startedAt());
            cells.add(r.error() == null ? "" : r.error());
            sb.append(String.join(",", cells.stream().map(CsvResultsWriter::quote).toList())).append("\r\n");
        }
        Files.createDirectories(outDir);
        Path file = outDir.resolve(FILE_NAME);
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        return file;
    }

    private static String num(Double v) {
        return v == null || v.isNaN() ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    // RFC 4180: quote a cell holding a comma, quote or line break, doubling inner quotes.
    static String quote(String cell) {
        if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
            return "\"" + cell.replace("\"", "\"\"") + "\"";
        }
        return cell;
    }
}
