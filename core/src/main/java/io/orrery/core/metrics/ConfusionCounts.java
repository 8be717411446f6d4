package io.orrery.core.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;

/**
 * True/false positive/negative counts at one threshold, as Keras's {@code update_confusion_matrix_variables}:
 * a prediction is positive when strictly greater than the threshold, a label when non-zero. Integer counts, so
 * merges are exact.
 */
final class ConfusionCounts implements Serializable {

    private static final long serialVersionUID = 1L;

    long truePositives;
    long falsePositives;
    long falseNegatives;
    long trueNegatives;

    /**
     * Counts one batch.
     *
     * @param classId column to restrict to (labels and predictions {@code [n, classes]}), or -1 for every element
     */
    void add(INDArray yTrue, INDArray yPred, double threshold, int classId, String metric) {
        Metric.requireNonNull(yTrue, yPred, metric);
        if (Shapes.emptyBatch(yTrue, yPred, metric)) {
            return;
        }
        INDArray[] same = Shapes.sameShape(yTrue, yPred, metric);
        INDArray labels = same[0];
        INDArray predictions = same[1];
        if (classId >= 0) {
            if (predictions.rank() != 2 || classId >= predictions.size(1)) {
                throw new IllegalArgumentException(metric + ": class_id " + classId + " needs yTrue and yPred [n, classes] with more than "
                        + classId + " classes, found " + Metric.shape(predictions));
            }
            labels = labels.getColumn(classId);
            predictions = predictions.getColumn(classId);
        }
        INDArray predictedPositive = predictions.gt(threshold).castTo(DataType.DOUBLE);
        INDArray actualPositive = labels.neq(0).castTo(DataType.DOUBLE);
        long tp = predictedPositive.mul(actualPositive).sumNumber().longValue();
        long predicted = predictedPositive.sumNumber().longValue();
        long actual = actualPositive.sumNumber().longValue();
        truePositives += tp;
        falsePositives += predicted - tp;
        falseNegatives += actual - tp;
        trueNegatives += predictions.length() - predicted - actual + tp;
    }

    void merge(ConfusionCounts other) {
        truePositives += other.truePositives;
        falsePositives += other.falsePositives;
        falseNegatives += other.falseNegatives;
        trueNegatives += other.trueNegatives;
    }

    void reset() {
        truePositives = 0;
        falsePositives = 0;
        falseNegatives = 0;
        trueNegatives = 0;
    }

    /** Keras's {@code divide_no_nan}: 0 when the denominator is 0. */
    static double divideNoNan(double numerator, double denominator) {
        return denominator == 0 ? 0.0 : numerator / denominator;
    }
}
