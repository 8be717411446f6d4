package io.orrery.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/** Shape handling shared by the metrics, following Keras's {@code squeeze_or_expand_to_same_rank}. */
final class Shapes {

    private Shapes() {
    }

    /** True when both arrays hold no elements: an empty batch, which every metric ignores. */
    static boolean emptyBatch(INDArray yTrue, INDArray yPred, String metric) {
        boolean trueEmpty = yTrue.isEmpty() || yTrue.length() == 0;
        boolean predEmpty = yPred.isEmpty() || yPred.length() == 0;
        if (trueEmpty != predEmpty) {
            throw new IllegalArgumentException(metric + ": expected yTrue and yPred with the same number of samples, found "
                    + Metric.shape(yTrue) + " and " + Metric.shape(yPred));
        }
        return trueEmpty;
    }

    /**
     * Returns {@code {yTrue, yPred}} with equal shapes: a trailing dimension of 1 on one side is dropped when the
     * other side lacks it ({@code [n, 1]} against {@code [n]}); any other difference is an error.
     */
    static INDArray[] sameShape(INDArray yTrue, INDArray yPred, String metric) {
        INDArray t = yTrue;
        INDArray p = yPred;
        if (t.rank() == p.rank() + 1 && t.size(t.rank() - 1) == 1) {
            t = t.reshape(p.shape());
        } else if (p.rank() == t.rank() + 1 && p.size(p.rank() - 1) == 1) {
            p = p.reshape(t.shape());
        }
        if (!Arrays.equals(t.shape(), p.shape())) {
            throw new IllegalArgumentException(metric + ": expected yTrue and yPred of the same shape (or differing only by"
                    + " a trailing dimension of 1), found yTrue " + Metric.shape(yTrue) + " and yPred " + Metric.shape(yPred));
        }
        return new INDArray[]{t, p};
    }
}
