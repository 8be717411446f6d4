package io.orrery.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/** TEMPORARY placeholder until the metrics branch lands (same API). */
public final class Metrics {
    private Metrics() {
    }

    public static Metric get(String name, String lossName) {
        return new Metric() {
            long correct;
            long total;
            public String name() { return name; }
            public void updateState(INDArray yTrue, INDArray yPred) {
                INDArray pred = yPred.argMax(1);
                INDArray t = yTrue.reshape(yTrue.length()).castTo(pred.dataType());
                correct += pred.eq(t).castTo(org.nd4j.linalg.api.buffer.DataType.INT32).sumNumber().longValue();
                total += yTrue.length();
            }
            public double result() { return total == 0 ? 0 : (double) correct / total; }
            public void resetState() { correct = 0; total = 0; }
        };
    }
}
