package io.orrery.core.models;

import io.orrery.core.callbacks.Callback;
import io.orrery.core.callbacks.ProgressLogger;
import io.orrery.core.metrics.Metric;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The epoch and batch loop behind {@link Sequential#fit}: shuffling, validation, callbacks, history. */
final class TrainingLoop {

    private final Sequential model;
    private final FitOptions options;

    TrainingLoop(Sequential model, FitOptions options) {
        this.model = model;
        this.options = options;
    }

    History run(INDArray x, INDArray y) {
        INDArray trainX = x;
        INDArray trainY = y;
        INDArray valX = options.validationX;
        INDArray valY = options.validationY;
        if (valX == null && options.validationSplit > 0) {
            long n = x.size(0);
            long split = n - (long) Math.floor(n * options.validationSplit);
            if (split <= 0 || split >= n) {
                throw new IllegalArgumentException("validation_split " + options.validationSplit + " leaves no training or no validation samples out of " + n);
            }
            trainX = rows(x, 0, split);
            trainY = rows(y, 0, split);
            valX = rows(x, split, n);
            valY = rows(y, split, n);
        }
        List<Callback> callbacks = new ArrayList<>();
        if (options.verbose > 0) {
            callbacks.add(new ProgressLogger(options.verbose));
        }
        callbacks.addAll(options.callbacks);
        int steps = (int) ((trainX.size(0) + options.batchSize - 1) / options.batchSize);
        for (Callback c : callbacks) {
            c.setContext(model, options.epochs, steps);
        }
        History history = new History();
        model.setStopTraining(false);
        callbacks.forEach(Callback::onTrainBegin);
        Map<String, Double> logs = new LinkedHashMap<>();
        java.util.Random shuffleSeeds = new java.util.Random(options.seed);
        for (int epoch = options.initialEpoch; epoch < options.epochs && !model.stopTraining(); epoch++) {
            for (Callback c : callbacks) {
                c.onEpochBegin(epoch);
            }
            for (Metric m : model.metrics()) {
                m.resetState();
            }
            long epochSeed = shuffleSeeds.nextLong();
            BatchIterator batches = new BatchIterator(trainX, trainY, options.batchSize, options.shuffle, epochSeed);
            double lossSum = 0;
            long seen = 0;
            int batch = 0;
            while (batches.next()) {
                for (Callback c : callbacks) {
                    c.onTrainBatchBegin(batch);
                }
                double loss = model.trainOnBatch(batches.x(), batches.y());
                if (!Double.isFinite(loss)) {
                    history.addEvent("stopped: loss became " + loss + " at epoch " + (epoch + 1) + " batch " + (batch + 1)
                            + "; lower the learning rate or check the inputs for NaN/Inf");
                    model.setStopTraining(true);
                    break;
                }
                lossSum += loss * batches.size();
                seen += batches.size();
                logs = epochLogs(lossSum / seen);
                for (Callback c : callbacks) {
                    c.onTrainBatchEnd(batch, logs);
                }
                batch++;
            }
            if (seen == 0) {
                break;
            }
            if (valX != null) {
                Map<String, Double> val = model.evaluate(valX, valY, Math.max(options.batchSize, 32));
                for (Map.Entry<String, Double> e : val.entrySet()) {
                    logs.put("val_" + e.getKey(), e.getValue());
                }
            }
            history.recordEpoch(epoch, logs);
            for (Callback c : callbacks) {
                c.onEpochEnd(epoch, logs);
            }
        }
        if (model.stopTraining() && history.epochs().size() < options.epochs - options.initialEpoch) {
            history.addEvent("stopped early after epoch " + history.epochs().size());
        }
        for (Callback c : callbacks) {
            c.onTrainEnd(logs);
        }
        return history;
    }

    private Map<String, Double> epochLogs(double meanLoss) {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", meanLoss);
        for (Metric m : model.metrics()) {
            logs.put(m.name(), m.result());
        }
        return logs;
    }

    /** Rows [from, to) along the first axis, all of every other axis (a view). */
    private static INDArray rows(INDArray a, long from, long to) {
        org.nd4j.linalg.indexing.INDArrayIndex[] idx = new org.nd4j.linalg.indexing.INDArrayIndex[a.rank()];
        java.util.Arrays.fill(idx, NDArrayIndex.all());
        idx[0] = NDArrayIndex.interval(from, to);
        return a.get(idx);
    }
}
