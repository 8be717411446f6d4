package io.orrery.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The parameter server's own time per step (averaging, the optimizer, publishing the parameters) as its
 * aggregation timer logged it: the last {@code meanAggregationMs} of a row's log, the mean over the whole run.
 */
final class ServerStepTime {

    private static final Pattern MEAN = Pattern.compile("meanAggregationMs=([0-9]+(?:\\.[0-9]+)?)");

    private ServerStepTime() {
    }

    /** Milliseconds per step, or null when the log has no such line (or cannot be read). */
    static Double fromLog(Path log) {
        if (!Files.isRegularFile(log)) {
            return null;
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.map(MEAN::matcher).filter(Matcher::find).map(m -> Double.parseDouble(m.group(1)))
                    .reduce((first, second) -> second).orElse(null);
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }
}
