package io.orrery.core.metrics;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The accuracies against the values of Keras's own documentation examples, and their edge cases. */
class AccuracyMetricsTest {

    private static INDArray m(double[][] rows) {
        return Nd4j.createFromArray(rows);
    }

    @Test
    void accuracyMatchesKerasExample() {
        Accuracy accuracy = new Accuracy();
        // Keras: m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]]) -> 0.75
        accuracy.updateState(m(new double[][]{{1}, {2}, {3}, {4}}), m(new double[][]{{0}, {2}, {3}, {4}}));
        assertEquals(0.75, accuracy.result());
        // [n] labels against [n, 1] predictions work too
        accuracy.resetState();
        accuracy.updateState(Nd4j.createFromArray(1, 2, 3, 4), Nd4j.createFromArray(new float[][]{{0}, {2}, {3}, {4}}));
        assertEquals(0.75, accuracy.result());
    }

    @Test
    void binaryAccuracyMatchesKerasExample() {
        BinaryAccuracy accuracy = new BinaryAccuracy();
        // Keras: m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]) -> 0.75
        accuracy.updateState(m(new double[][]{{1}, {1}, {0}, {0}}), m(new double[][]{{0.98}, {1}, {0}, {0.6}}));
        assertEquals(0.75, accuracy.result());
        // exactly 0.5 is not above the threshold
        BinaryAccuracy atThreshold = new BinaryAccuracy();
        atThreshold.updateState(Nd4j.createFromArray(0.0f, 1.0f), Nd4j.createFromArray(0.5f, 0.5f));
        assertEquals(0.5, atThreshold.result());
        BinaryAccuracy custom = new BinaryAccuracy("acc", 0.9);
        custom.updateState(Nd4j.createFromArray(1.0, 1.0), Nd4j.createFromArray(0.95, 0.85));
        assertEquals(0.5, custom.result());
    }

    @Test
    void categoricalAccuracyMatchesKerasExample() {
        CategoricalAccuracy accuracy = new CategoricalAccuracy();
        // Keras: m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]) -> 0.5
        accuracy.updateState(m(new double[][]{{0, 0, 1}, {0, 1, 0}}), m(new double[][]{{0.1, 0.9, 0.8}, {0.05, 0.95, 0}}));
        assertEquals(0.5, accuracy.result());
    }

    @Test
    void sparseCategoricalAccuracyMatchesKerasExampleForEveryLabelType() {
        INDArray predictions = Nd4j.createFromArray(new float[][]{{0.1f, 0.6f, 0.3f}, {0.05f, 0.95f, 0f}});
        // Keras: m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]) -> 0.5
        INDArray[] labelForms = {
                Nd4j.createFromArray(new double[][]{{2}, {1}}),
                Nd4j.createFromArray(2, 1),
                Nd4j.createFromArray(2L, 1L),
                Nd4j.createFromArray(2.0f, 1.0f),
                Nd4j.createFromArray(new int[][]{{2}, {1}}),
        };
        for (INDArray labels : labelForms) {
            SparseCategoricalAccuracy accuracy = new SparseCategoricalAccuracy();
            accuracy.updateState(labels, predictions);
            assertEquals(0.5, accuracy.result(), "labels " + labels.dataType() + " " + java.util.Arrays.toString(labels.shape()));
        }
    }

    @Test
    void accuraciesAccumulateOverBatches() {
        SparseCategoricalAccuracy accuracy = new SparseCategoricalAccuracy();
        accuracy.updateState(Nd4j.createFromArray(0, 1), Nd4j.createFromArray(new float[][]{{0.9f, 0.1f}, {0.8f, 0.2f}}));
        accuracy.updateState(Nd4j.createFromArray(1), Nd4j.createFromArray(new float[][]{{0.3f, 0.7f}}));
        assertEquals(2.0 / 3.0, accuracy.result(), 1e-15);
        assertEquals(2.0, accuracy.total());
        assertEquals(3.0, accuracy.count());
    }

    @Test
    void nothingSeenGivesZero() {
        assertEquals(0.0, new Accuracy().result());
        assertEquals(0.0, new BinaryAccuracy().result());
        assertEquals(0.0, new CategoricalAccuracy().result());
        assertEquals(0.0, new SparseCategoricalAccuracy().result());
    }

    @Test
    void emptyBatchChangesNothing() {
        SparseCategoricalAccuracy sparse = new SparseCategoricalAccuracy();
        sparse.updateState(Nd4j.createFromArray(1), Nd4j.createFromArray(new float[][]{{0.3f, 0.7f}}));
        sparse.updateState(Nd4j.create(DataType.INT, 0), Nd4j.create(DataType.FLOAT, 0, 2));
        assertEquals(1.0, sparse.result());
        assertEquals(1.0, sparse.count());
        CategoricalAccuracy categorical = new CategoricalAccuracy();
        categorical.updateState(Nd4j.create(DataType.FLOAT, 0, 10), Nd4j.create(DataType.FLOAT, 0, 10));
        assertEquals(0.0, categorical.count());
        BinaryAccuracy binary = new BinaryAccuracy();
        binary.updateState(Nd4j.create(DataType.FLOAT, 0), Nd4j.create(DataType.FLOAT, 0, 1));
        assertEquals(0.0, binary.result());
    }

    @Test
    void mismatchedShapesAreRefusedWithBothShapes() {
        String sparse = assertThrows(IllegalArgumentException.class, () -> new SparseCategoricalAccuracy()
                .updateState(Nd4j.createFromArray(1, 2, 3), Nd4j.rand(DataType.FLOAT, 2, 5))).getMessage();
        assertTrue(sparse.contains("[3]") && sparse.contains("[2, 5]"), sparse);
        String categorical = assertThrows(IllegalArgumentException.class, () -> new CategoricalAccuracy()
                .updateState(Nd4j.createFromArray(1, 2), Nd4j.rand(DataType.FLOAT, 2, 5))).getMessage();
        assertTrue(categorical.contains("SparseCategoricalAccuracy"), categorical);
        assertThrows(IllegalArgumentException.class, () -> new Accuracy()
                .updateState(Nd4j.rand(DataType.FLOAT, 4, 2), Nd4j.rand(DataType.FLOAT, 4, 3)));
        assertThrows(IllegalArgumentException.class, () -> new BinaryAccuracy()
                .updateState(Nd4j.create(DataType.FLOAT, 0), Nd4j.rand(DataType.FLOAT, 4, 1)));
        assertThrows(IllegalArgumentException.class, () -> new BinaryAccuracy("b", 1.5));
    }

    @Test
    void largeBatchesAreVectorisedAndCorrect() {
        int n = 10_000;
        INDArray predictions = Nd4j.rand(DataType.FLOAT, n, 10);
        INDArray predicted = predictions.argMax(1);
        INDArray labels = predicted.castTo(DataType.INT).dup();
        for (int i = 0; i < n; i += 4) {
            labels.putScalar(i, (labels.getInt(i) + 1) % 10);  // every fourth label wrong
        }
        SparseCategoricalAccuracy accuracy = new SparseCategoricalAccuracy();
        accuracy.updateState(labels, predictions);
        assertEquals(0.75, accuracy.result());
    }
}
