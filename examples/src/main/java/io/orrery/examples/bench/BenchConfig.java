package io.orrery.examples.bench;

import java.util.Locale;
import java.util.Objects;

/**
 * One point of the benchmark grid: which system trains the reference MNIST model, and how.
 *
 * @param system         {@code orrery}, {@code core-fit} (core's single-process fit, the reference for the trainer's
 *                       overhead), {@code dl4j-parameter-averaging} or {@code dl4j-shared-training}
 * @param master         Spark master the run used, e.g. {@code local[2]} or {@code spark://127.0.0.1:7077}
 * @param workers        number of data-parallel workers (Spark tasks), at least 1
 * @param mode           {@code sync}, {@code async} or {@code bounded:S} (DL4J rows: its own scheme's name)
 * @param encoding       gradient encoding on the wire, e.g. {@code float32}, {@code float16}, {@code threshold}
 * @param batchPerWorker mini-batch size of each worker
 * @param shards         parameter-server shards (1 for DL4J rows)
 * @param epochs         passes over the 60,000 training images
 */
public record BenchConfig(String system, String master, int workers, String mode, String encoding,
                          int batchPerWorker, int shards, int epochs) {

    /** Systems the harness knows: Orrery's Spark trainer, core's single-process fit, and the DL4J baseline. */
    public static final String ORRERY = "orrery";
    public static final String CORE_FIT = "core-fit";
    public static final String DL4J_PARAMETER_AVERAGING = "dl4j-parameter-averaging";
    public static final String DL4J_SHARED_TRAINING = "dl4j-shared-training";

    public BenchConfig {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(encoding, "encoding");
        if (workers < 1 || batchPerWorker < 1 || shards < 1 || epochs < 1) {
            throw new IllegalArgumentException("Invalid bench configuration: expected workers, batchPerWorker, shards"
                    + " and epochs >= 1, found workers=" + workers + " batchPerWorker=" + batchPerWorker
                    + " shards=" + shards + " epochs=" + epochs);
        }
    }

    /** Identity of the run for resuming a grid: two configs with the same key are the same run. */
    public String key() {
        return String.join("|", system, master, Integer.toString(workers), mode, encoding,
                Integer.toString(batchPerWorker), Integer.toString(shards), Integer.toString(epochs));
    }

    /**
     * Identity of the configuration apart from its size (workers and the master, which for {@code local[N]}
     * names N): runs with the same series key form one scaling curve.
     */
    public String seriesKey() {
        return String.join("|", system, mode, encoding, Integer.toString(batchPerWorker),
                Integer.toString(shards), Integer.toString(epochs));
    }

    /**
     * The series a run belongs to in the charts: everything but the worker count, so that one line shows
     * how a configuration scales.
     */
    public String seriesLabel() {
        return String.format(Locale.ROOT, "%s %s %s b=%d%s", system, mode, encoding, batchPerWorker,
                shards > 1 ? " shards=" + shards : "");
    }

    /** Whether this is a row of the DL4J baseline. */
    public boolean isBaseline() {
        return system.startsWith("dl4j");
    }
}
