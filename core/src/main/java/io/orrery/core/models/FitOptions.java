package io.orrery.core.models;

import io.orrery.core.callbacks.Callback;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * The keyword arguments of Keras's {@code fit}, as a small fluent object:
 * {@code FitOptions.epochs(5).batchSize(128).validationSplit(0.1)}. Defaults are Keras's (1 epoch, batch 32,
 * shuffle, verbose 1).
 */
public final class FitOptions {

    int epochs = 1;
    int batchSize = 32;
    double validationSplit;
    INDArray validationX;
    INDArray validationY;
    boolean shuffle = true;
    int verbose = 1;
    long seed = System.nanoTime();
    int initialEpoch;
    final List<Callback> callbacks = new ArrayList<>();

    public static FitOptions epochs(int epochs) {
        return new FitOptions().setEpochs(epochs);
    }

    public static FitOptions defaults() {
        return new FitOptions();
    }

    public FitOptions setEpochs(int epochs) {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be positive, received " + epochs);
        }
        this.epochs = epochs;
        return this;
    }

    public FitOptions batchSize(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch_size must be positive, received " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    /** Holds out the last fraction of the data (before shuffling), as Keras does. */
    public FitOptions validationSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation_split must be in [0, 1), received " + fraction);
        }
        this.validationSplit = fraction;
        return this;
    }

    public FitOptions validationData(INDArray x, INDArray y) {
        this.validationX = x;
        this.validationY = y;
        return this;
    }

    public FitOptions shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /** 0 = silent, 1 = progress bar, 2 = one line per epoch. */
    public FitOptions verbose(int verbose) {
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("verbose must be 0, 1 or 2, received " + verbose);
        }
        this.verbose = verbose;
        return this;
    }

    /** Seed of the per-epoch shuffles (explicit, for reproducible runs). */
    public FitOptions seed(long seed) {
        this.seed = seed;
        return this;
    }

    public FitOptions initialEpoch(int initialEpoch) {
        this.initialEpoch = initialEpoch;
        return this;
    }

    public FitOptions callbacks(Callback... callbacks) {
        this.callbacks.addAll(List.of(callbacks));
        return this;
    }

    public int epochs() { return epochs; }
    public int batchSize() { return batchSize; }
    public int verbose() { return verbose; }
    public long seed() { return seed; }
    public boolean shuffle() { return shuffle; }
    public List<Callback> callbacks() { return List.copyOf(callbacks); }
}
