package io.orrery.core.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code Accuracy}: how often predictions equal labels exactly (element by element, labels cast to the
 * predictions' type first). Shapes must match, or differ only by a trailing 1 ({@code [n]} vs {@code [n, 1]}).
 */
public class Accuracy extends MeanMetricWrapper {

    private static final long serialVersionUID = 1L;

    public Accuracy() {
        this("accuracy");
    }

    public Accuracy(String name) {
        super(name);
    }

    @Override
    protected void accumulate(INDArray yTrue, INDArray yPred) {
        INDArray[] same = Shapes.sameShape(yTrue, yPred, name());
        INDArray labels = same[0].castTo(same[1].dataType());
        long matches = labels.eq(same[1]).castTo(DataType.INT64).sumNumber().longValue();
        addMatches(matches, same[1].length(), samples(same[1]));
    }
}
