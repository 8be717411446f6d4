package io.orrery.core.metrics;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {

    @Test
    void accuracyResolvesByLossAndKeepsItsName() {
        Metric sparse = Metrics.get("accuracy", "sparse_categorical_crossentropy");
        assertInstanceOf(SparseCategoricalAccuracy.class, sparse);
        assertEquals("accuracy", sparse.name());
        assertInstanceOf(CategoricalAccuracy.class, Metrics.get("accuracy", "categorical_crossentropy"));
        assertInstanceOf(BinaryAccuracy.class, Metrics.get("accuracy", "binary_crossentropy"));
        assertInstanceOf(SparseCategoricalAccuracy.class, Metrics.get("acc", "SparseCategoricalCrossentropy"));
        assertEquals("acc", Metrics.get("acc", "sparse_categorical_crossentropy").name());
        assertInstanceOf(Accuracy.class, Metrics.get("accuracy", "mean_squared_error"));
        assertInstanceOf(Accuracy.class, Metrics.get("accuracy", null));
    }

    @Test
    void otherKerasStrings() {
        assertInstanceOf(AUC.class, Metrics.get("auc", null));
        assertEquals("auc", Metrics.get("auc", null).name());
        assertInstanceOf(Precision.class, Metrics.get("precision", null));
        assertInstanceOf(Recall.class, Metrics.get("recall", null));
        assertInstanceOf(BinaryAccuracy.class, Metrics.get("binary_accuracy", "mse"));
        assertInstanceOf(CategoricalAccuracy.class, Metrics.get("categorical_accuracy", null));
        Metric sparse = Metrics.get("sparse_categorical_accuracy", null);
        assertInstanceOf(SparseCategoricalAccuracy.class, sparse);
        assertEquals("sparse_categorical_accuracy", sparse.name());
    }

    @Test
    void unknownNameListsTheValidOnes() {
        String message = assertThrows(IllegalArgumentException.class, () -> Metrics.get("f1", null)).getMessage();
        assertTrue(message.contains("\"f1\"") && message.contains("sparse_categorical_accuracy") && message.contains("auc"), message);
        assertThrows(IllegalArgumentException.class, () -> Metrics.get(null, null));
    }

    @Test
    void meanAveragesValuesAndWeights() {
        Mean mean = new Mean("loss");
        assertEquals(0.0, mean.result());
        mean.updateState(Nd4j.createFromArray(1.0f, 2.0f, 3.0f));
        mean.updateState(Nd4j.createFromArray(new double[][]{{4, 6}}));  // one sample of two elements: Keras means it to 5
        assertEquals((1 + 2 + 3 + 5) / 4.0, mean.result(), 1e-15);
        assertEquals(4.0, mean.count());
        Mean weighted = new Mean();
        weighted.updateState(0.5, 128);
        weighted.updateState(0.25, 32);
        assertEquals((0.5 * 128 + 0.25 * 32) / 160, weighted.result(), 1e-15);
        weighted.updateState(Nd4j.create(DataType.FLOAT, 0));
        assertEquals(160.0, weighted.count());
        assertThrows(IllegalArgumentException.class, () -> weighted.updateState(1.0, -1));
        assertThrows(UnsupportedOperationException.class, () -> weighted.updateState(Nd4j.ones(2), Nd4j.ones(2)));
        assertThrows(IllegalArgumentException.class, () -> new Mean(" "));
    }
}
