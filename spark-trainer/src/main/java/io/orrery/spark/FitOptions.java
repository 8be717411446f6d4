package io.orrery.spark;

import io.orrery.core.callbacks.Callback;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * Per-call settings of {@link SparkTrainer#fit}, named as in Keras's {@code fit}. Immutable: each setter returns a
 * new instance, so a shared default can be refined safely.
 *
 * <pre>{@code FitOptions.defaults().epochs(3).batchSize(128).seed(7).validationData(testRows)}</pre>
 */
public final class FitOptions {

    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final boolean verbose;
    private final Dataset<Row> validationRows;
    private final JavaRDD<Sample> validationSamples;
    private final List<Callback> callbacks;

    private FitOptions(int epochs, int batchSize, long seed, boolean verbose, Dataset<Row> validationRows,
                       JavaRDD<Sample> validationSamples, List<Callback> callbacks) {
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.seed = seed;
        this.verbose = verbose;
        this.validationRows = validationRows;
        this.validationSamples = validationSamples;
        this.callbacks = callbacks;
    }

    /** One epoch, global batch 32 (Keras's default), seed 0, progress lines on, no validation data. */
    public static FitOptions defaults() {
        return new FitOptions(1, 32, 0L, true, null, null, List.of());
    }

    public FitOptions epochs(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, found " + value);
        }
        return new FitOptions(value, batchSize, seed, verbose, validationRows, validationSamples, callbacks);
    }

    /** The global batch: each of N workers takes {@code batchSize / N} samples per step. */
    public FitOptions batchSize(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, found " + value);
        }
        return new FitOptions(epochs, value, seed, verbose, validationRows, validationSamples, callbacks);
    }

    /** Seed of the per-epoch shuffles (explicit, never global state). */
    public FitOptions seed(long value) {
        return new FitOptions(epochs, batchSize, value, verbose, validationRows, validationSamples, callbacks);
    }

    /** Whether the driver prints a progress line per epoch. */
    public FitOptions verbose(boolean value) {
        return new FitOptions(epochs, batchSize, seed, value, validationRows, validationSamples, callbacks);
    }

    /** Evaluated on the executors after each epoch; results appear in the history as {@code val_<name>}. */
    public FitOptions validationData(Dataset<Row> rows) {
        return new FitOptions(epochs, batchSize, seed, verbose, rows, null, callbacks);
    }

    /** Evaluated on the executors after each epoch; results appear in the history as {@code val_<name>}. */
    public FitOptions validationData(JavaRDD<Sample> samples) {
        return new FitOptions(epochs, batchSize, seed, verbose, null, samples, callbacks);
    }

    /**
     * Core's callbacks, called on the driver at Keras's epoch-level hooks ({@code onTrainBegin}, {@code onEpochBegin},
     * {@code onEpochEnd} with the epoch's logs, {@code onTrainEnd}). Batches run on the executors, so the batch hooks
     * are not called. A callback that sets {@code model.stopTraining(true)} ends the fit after the epoch.
     */
    public FitOptions callbacks(Callback... values) {
        return new FitOptions(epochs, batchSize, seed, verbose, validationRows, validationSamples, List.of(values));
    }

    public List<Callback> callbacks() {
        return callbacks;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public long seed() {
        return seed;
    }

    public boolean verbose() {
        return verbose;
    }

    Dataset<Row> validationRows() {
        return validationRows;
    }

    JavaRDD<Sample> validationSamples() {
        return validationSamples;
    }
}
