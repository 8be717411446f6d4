package io.orrery.core.models;

import io.orrery.core.callbacks.Callback;
import io.orrery.core.callbacks.ProgressLogger;
import io.orrery.core.metrics.Metric;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The epochs of {@link Sequential#fit}: in-memory data in mini-batches, shuffled per epoch from the options' seed,
 * with Keras's validation split (the last fraction of the data, taken before shuffling).
 */
final class LocalEpochRunner implements EpochRunner {

    private final Sequential model;
    private final FitOptions options;
    private final INDArray trainX;
    private final INDArray trainY;
    private final INDArray valX;
    private final INDArray valY;
    // Each epoch's shuffle seed is the next draw, so epoch k's order depends only on (seed, k - initialEpoch).
    private final Random shuffleSeeds;

    LocalEpochRunner(Sequential model, INDArray x, INDArray y, FitOptions options) {
        this.model = model;
        this.options = options;
        this.shuffleSeeds = new Random(options.seed());
        if (options.validationX() == null && options.validationSplit() > 0) {
            long n = x.size(0);
            long split = n - (long) Math.floor(n * options.validationSplit());
            if (split <= 0 || split >= n) {
                throw new IllegalArgumentException("validation_split " + options.validationSplit()
                        + " leaves no training or no validation samples out of " + n
                        + "; use a fraction that keeps at least one sample on each side");
            }
            trainX = rows(x, 0, split);
            trainY = rows(y, 0, split);
            valX = rows(x, split, n);
            valY = rows(y, split, n);
        } else {
            trainX = x;
            trainY = y;
            valX = options.validationX();
            valY = options.validationY();
        }
    }

    @Override
    public int stepsPerEpoch() {
        return (int) ((trainX.size(0) + options.batchSize() - 1) / options.batchSize());
    }

    @Override
    public Map<String, Double> runEpoch(int epoch, BatchListener listener) {
        for (Metric m : model.metrics()) {
            m.resetState();
        }
        BatchIterator batches = new BatchIterator(trainX, trainY, options.batchSize(), options.shuffle(),
                shuffleSeeds.nextLong());
        double lossSum = 0;
        long seen = 0;
        int batch = 0;
        Map<String, Double> logs = Map.of("loss", 0.0);
        while (batches.next()) {
            listener.batchBegin(batch);
            double loss = model.trainOnBatch(batches.x(), batches.y());
            lossSum += loss * batches.size();
            seen += batches.size();
            logs = logs(lossSum / seen);
            if (!listener.batchEnd(batch, logs)) {
                break;
            }
            batch++;
        }
        return logs;
    }

    @Override
    public Map<String, Double> validate() {
        return valX == null ? null : model.evaluate(valX, valY, Math.max(options.batchSize(), 32));
    }

    @Override
    public Callback progress(int verbose) {
        return new ProgressLogger(verbose);
    }

    private Map<String, Double> logs(double meanLoss) {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", meanLoss);
        for (Metric m : model.metrics()) {
            logs.put(m.name(), m.result());
        }
        return logs;
    }

    /** Rows [from, to) along the first axis, all of every other axis (a view). */
    private static INDArray rows(INDArray a, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        Arrays.fill(idx, NDArrayIndex.all());
        idx[0] = NDArrayIndex.interval(from, to);
        return a.get(idx);
    }
}
