package io.orrery.core.models;

import io.orrery.core.callbacks.Callback;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Objects;

/**
 * The keyword arguments of Keras's {@code fit}, as a small immutable object: every setter returns a new instance, so
 * a shared default can be refined safely.
 *
 * <pre>{@code model.fit(x, y, FitOptions.defaults().epochs(5).batchSize(128).validationSplit(0.1));}</pre>
 *
 * <p>Defaults are Keras's (1 epoch, batch 32, shuffle, verbose 1), and the shuffle seed is {@link #DEFAULT_SEED}:
 * two fits with the same options visit the same batches. Set {@link #seed(long)} for a different order. The same
 * options drive {@link Sequential#fit} and a distributed trainer's fit (there {@code batchSize} is the global batch).
 */
public final class FitOptions {

    /** The shuffle seed when none is set: fixed, so that runs repeat unless a seed says otherwise. */
    public static final long DEFAULT_SEED = 0L;

    // Not final only so that the private copy-and-set in each setter stays short; an instance never changes after
    // a setter has returned it.
    private int epochs = 1;
    private int batchSize = 32;
    private double validationSplit;
    private INDArray validationX;
    private INDArray validationY;
    private Validation validation;
    private boolean shuffle = true;
    private int verbose = 1;
    private long seed = DEFAULT_SEED;
    private int initialEpoch;
    private List<Callback> callbacks = List.of();

    private FitOptions() {
    }

    /** Keras's defaults: 1 epoch, batch 32, shuffled with {@link #DEFAULT_SEED}, a progress bar, no validation. */
    public static FitOptions defaults() {
        return new FitOptions();
    }

    private FitOptions copy() {
        FitOptions c = new FitOptions();
        c.epochs = epochs;
        c.batchSize = batchSize;
        c.validationSplit = validationSplit;
        c.validationX = validationX;
        c.validationY = validationY;
        c.validation = validation;
        c.shuffle = shuffle;
        c.verbose = verbose;
        c.seed = seed;
        c.initialEpoch = initialEpoch;
        c.callbacks = callbacks;
        return c;
    }

    /** The epoch to end at (exclusive, counted from 0 as Keras's {@code epochs} with {@code initial_epoch}). */
    public FitOptions epochs(int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("epochs: expected a positive number, received " + value);
        }
        FitOptions c = copy();
        c.epochs = value;
        return c;
    }

    /** Samples per step (for a distributed trainer, the global batch over all workers). */
    public FitOptions batchSize(int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("batch_size: expected a positive number, received " + value);
        }
        FitOptions c = copy();
        c.batchSize = value;
        return c;
    }

    /** Holds out the last fraction of the data (before shuffling), as Keras does; in-memory data only. */
    public FitOptions validationSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation_split: expected a fraction in [0, 1), received " + fraction);
        }
        FitOptions c = copy();
        c.validationSplit = fraction;
        return c;
    }

    /**
     * In-memory data evaluated after each epoch (as Keras's {@code validation_data=(x, y)}); the results appear in
     * the logs and the history as {@code val_<name>}. Replaces an earlier {@link #validation(Validation)}.
     */
    public FitOptions validationData(INDArray x, INDArray y) {
        FitOptions c = copy();
        c.validationX = Objects.requireNonNull(x, "validation x");
        c.validationY = Objects.requireNonNull(y, "validation y");
        c.validation = null;
        return c;
    }

    /**
     * Any evaluation run after each epoch, for data that is not in memory, e.g. with a Spark trainer
     * {@code validation(() -> trainer.evaluate(model, testRows))}; its results appear as {@code val_<name>}.
     * Replaces an earlier {@link #validationData(INDArray, INDArray)}.
     */
    public FitOptions validation(Validation value) {
        FitOptions c = copy();
        c.validation = Objects.requireNonNull(value, "validation");
        c.validationX = null;
        c.validationY = null;
        return c;
    }

    public FitOptions shuffle(boolean value) {
        FitOptions c = copy();
        c.shuffle = value;
        return c;
    }

    /** 0 = silent, 1 = progress bar, 2 = one line per epoch. */
    public FitOptions verbose(int value) {
        if (value < 0 || value > 2) {
            throw new IllegalArgumentException("verbose: expected 0, 1 or 2, received " + value);
        }
        FitOptions c = copy();
        c.verbose = value;
        return c;
    }

    /** Seed of the per-epoch shuffles (default {@link #DEFAULT_SEED}). */
    public FitOptions seed(long value) {
        FitOptions c = copy();
        c.seed = value;
        return c;
    }

    /** The epoch to start at (0-based), to resume a run; Keras's {@code initial_epoch}. */
    public FitOptions initialEpoch(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("initial_epoch: expected 0 or more, received " + value);
        }
        FitOptions c = copy();
        c.initialEpoch = value;
        return c;
    }

    /**
     * Callbacks called at Keras's hooks, after the progress display. A distributed trainer runs batches on its
     * executors, so there only the train and epoch hooks are called, on the driver.
     */
    public FitOptions callbacks(Callback... values) {
        FitOptions c = copy();
        c.callbacks = List.of(values);
        return c;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public double validationSplit() {
        return validationSplit;
    }

    /** In-memory validation inputs, or null. */
    public INDArray validationX() {
        return validationX;
    }

    /** In-memory validation targets, or null. */
    public INDArray validationY() {
        return validationY;
    }

    /** The custom validation, or null. */
    public Validation validation() {
        return validation;
    }

    /** Whether any validation is set (data, a split or a custom one). */
    public boolean validates() {
        return validationX != null || validation != null || validationSplit > 0;
    }

    public boolean shuffle() {
        return shuffle;
    }

    public int verbose() {
        return verbose;
    }

    public long seed() {
        return seed;
    }

    public int initialEpoch() {
        return initialEpoch;
    }

    public List<Callback> callbacks() {
        return callbacks;
    }
}
