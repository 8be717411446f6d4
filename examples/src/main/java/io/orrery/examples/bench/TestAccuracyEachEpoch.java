package io.orrery.examples.bench;

import io.orrery.core.callbacks.Callback;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates the driver's model on the test set after each epoch of a fit (the Spark trainer's or core's) and keeps the time that took, so
 * that the benchmark can take it out of the training time; the accuracy curve is in training seconds.
 */
final class TestAccuracyEachEpoch extends Callback {

    private final INDArray xTest;
    private final INDArray yTest;
    private final List<long[]> epochEnds = new ArrayList<>();
    private final List<Double> accuracies = new ArrayList<>();
    private long evaluationNanos;

    TestAccuracyEachEpoch(INDArray xTest, INDArray yTest) {
        this.xTest = xTest;
        this.yTest = yTest;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        long start = System.nanoTime();
        double accuracy = model.evaluate(xTest, yTest).getOrDefault("accuracy", Double.NaN);
        epochEnds.add(new long[]{start, evaluationNanos});
        evaluationNanos += System.nanoTime() - start;
        accuracies.add(accuracy);
    }

    double evaluationSeconds() {
        return evaluationNanos / 1e9;
    }

    double last() {
        return accuracies.isEmpty() ? Double.NaN : accuracies.get(accuracies.size() - 1);
    }

    /** One point per epoch: training seconds since {@code startNanos} (evaluations excluded), epoch, accuracy. */
    List<AccuracyPoint> curve(long startNanos) {
        List<AccuracyPoint> points = new ArrayList<>();
        for (int i = 0; i < accuracies.size(); i++) {
            long[] end = epochEnds.get(i);
            points.add(new AccuracyPoint((end[0] - startNanos - end[1]) / 1e9, i + 1, accuracies.get(i)));
        }
        return points;
    }
}
