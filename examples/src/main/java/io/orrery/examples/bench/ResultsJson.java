package io.orrery.examples.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.List;

/**
 * The JSON form of {@link RunResult}: the schema of {@code results.json} and of the one-line rows the DL4J
 * baseline prints. Field names are the record component names.
 */
public final class ResultsJson {

    /** Rows printed by another JVM start with this marker so they can be told apart from its log output. */
    public static final String LINE_PREFIX = "ORRERY_BENCH_ROW ";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            // A newer harness may add fields; an older reader skips them instead of refusing the file.
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private static final ObjectMapper LINE_MAPPER = MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

    private ResultsJson() {
    }

    /** Pretty-printed JSON array of rows. */
    public static String toJson(List<RunResult> rows) {
        try {
            return MAPPER.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not serialise benchmark rows: " + e.getMessage(), e);
        }
    }

    /** One row on one line, as the baseline JVM prints it (without {@link #LINE_PREFIX}). */
    public static String toLine(RunResult row) {
        try {
            return LINE_MAPPER.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not serialise benchmark row: " + e.getMessage(), e);
        }
    }

    /**
     * Parses a JSON array of rows.
     *
     * @param json   the text
     * @param source where it came from, for the error message
     */
    public static List<RunResult> parseArray(String json, String source) {
        try {
            return MAPPER.readValue(json, new TypeReference<List<RunResult>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Expected a JSON array of benchmark rows in " + source
                    + ", but it does not parse: " + e.getOriginalMessage()
                    + ". Fix or delete the file to start the grid afresh.", e);
        }
    }

    /** A configuration on one line (how a child JVM is told which run to make). */
    public static String configToLine(BenchConfig config) {
        try {
            return LINE_MAPPER.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not serialise benchmark configuration: " + e.getMessage(), e);
        }
    }

    /** Parses {@link #configToLine}'s output. */
    public static BenchConfig parseConfig(String json) {
        try {
            return MAPPER.readValue(json, BenchConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Expected a benchmark configuration (JSON object), found text that"
                    + " does not parse: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses one row (a line printed by the baseline, prefix already removed). */
    public static RunResult parseRow(String json, String source) {
        try {
            RunResult row = MAPPER.readValue(json, RunResult.class);
            if (row == null || row.config() == null) {
                throw new IllegalArgumentException("Expected a benchmark row with a config object from " + source
                        + ", found: " + json);
            }
            return row;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Expected a benchmark row (JSON object) from " + source
                    + ", found text that does not parse: " + e.getOriginalMessage(), e);
        }
    }
}
