package io.orrery.core.losses;

import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each loss against known values: the examples of Keras's loss documentation (the value Keras prints, with more
 * digits recomputed by hand from Keras's formulas, epsilon 1e-7), in float32 as a Keras user runs them; and the edge
 * cases a user hits: an empty batch, targets of the wrong shape, labels out of range, huge logits.
 */
class LossValuesTest {

    private static final double TOL = 1e-5;

    private static Tensor t(double[][] v) {
        return new Tensor(Nd4j.createFromArray(v).castTo(DataType.FLOAT));
    }

    private static Tensor t(double... v) {
        return new Tensor(Nd4j.createFromArray(v).castTo(DataType.FLOAT));
    }

    private static final double[][] Y_TRUE = {{0, 1}, {0, 0}};
    private static final double[][] Y_PRED_01 = {{1, 1}, {1, 0}};
    private static final double[][] Y_PRED_PROB = {{0.6, 0.4}, {0.4, 0.6}};

    @Test
    void meanSquaredErrorKerasExample() {
        assertEquals(0.5, new MeanSquaredError().call(t(Y_TRUE), t(Y_PRED_01)).item(), TOL);
        assertEquals(1.0, new MeanSquaredError(Loss.Reduction.SUM).call(t(Y_TRUE), t(Y_PRED_01)).item(), TOL);
        assertArrayEquals(new double[]{0.5, 0.5},
                new MeanSquaredError(Loss.Reduction.NONE).call(t(Y_TRUE), t(Y_PRED_01)).array().toDoubleVector(), TOL);
    }

    @Test
    void meanAbsoluteErrorKerasExample() {
        assertEquals(0.5, new MeanAbsoluteError().call(t(Y_TRUE), t(Y_PRED_01)).item(), TOL);
    }

    @Test
    void meanSquaredLogarithmicErrorKerasExample() {
        // Keras prints 0.240
        assertEquals(0.24022643764, new MeanSquaredLogarithmicError().call(t(Y_TRUE), t(Y_PRED_01)).item(), TOL);
    }

    @Test
    void binaryCrossentropyKerasExamples() {
        // Keras prints 0.815
        assertEquals(0.81492445485, new BinaryCrossentropy().call(t(Y_TRUE), t(Y_PRED_PROB)).item(), TOL);
        // from_logits example: Keras prints 0.865
        assertEquals(0.86545794978, new BinaryCrossentropy(true).call(t(0, 1, 0, 0), t(-18.6, 0.51, 2.94, -12.8)).item(), TOL);
    }

    @Test
    void hingeKerasExample() {
        assertEquals(1.3, new Hinge().call(t(Y_TRUE), t(Y_PRED_PROB)).item(), TOL);
        // already signed targets are used as they are: max(1 - (-1)(0.6), 0) = 1.6, max(1 - 0.4, 0) = 0.6 -> 1.1
        assertEquals(1.1, new Hinge().call(t(new double[][]{{-1, 1}}), t(new double[][]{{0.6, 0.4}})).item(), TOL);
        // only exactly-0/1 targets are converted: (max(1 - 0.5 * 0.6, 0) + max(1 - 0.4, 0)) / 2
        assertEquals(0.65, new Hinge().call(t(new double[][]{{0.5, 1}}), t(new double[][]{{0.6, 0.4}})).item(), TOL);
        assertEquals((0.49 + 0.36) / 2, new SquaredHinge().call(t(new double[][]{{0.5, 1}}), t(new double[][]{{0.6, 0.4}})).item(), TOL);
    }

    @Test
    void squaredHingeKerasExample() {
        assertEquals(1.86, new SquaredHinge().call(t(Y_TRUE), t(Y_PRED_PROB)).item(), TOL);
    }

    @Test
    void klDivergenceKerasExample() {
        // Keras prints 0.458
        assertEquals(0.45814304512, new KLDivergence().call(t(Y_TRUE), t(Y_PRED_PROB)).item(), TOL);
        // a vector is one distribution (summed over the last axis, as Keras), not a batch of scalars
        assertEquals(0.09151622184, new KLDivergence().call(t(0.2, 0.8), t(0.4, 0.6)).item(), TOL);
    }

    @Test
    void cosineSimilarityKerasExample() {
        // Keras prints -0.5: the loss is the negative similarity, so minimizing it aligns the vectors
        assertEquals(-0.5, new CosineSimilarity().call(t(new double[][]{{0, 1}, {1, 1}}), t(new double[][]{{1, 0}, {1, 1}})).item(), TOL);
    }

    @Test
    void categoricalCrossentropyKerasExample() {
        // Keras prints 1.177
        assertEquals(1.17693919369, new CategoricalCrossentropy().call(t(new double[][]{{0, 1, 0}, {0, 0, 1}}),
                t(new double[][]{{0.05, 0.95, 0}, {0.1, 0.8, 0.1}})).item(), TOL);
    }

    @Test
    void sparseCategoricalCrossentropyKerasExample() {
        Tensor pred = t(new double[][]{{0.05, 0.95, 0}, {0.1, 0.8, 0.1}});
        assertEquals(1.17693919369, new SparseCategoricalCrossentropy().call(new Tensor(Nd4j.createFromArray(1, 2)), pred).item(), TOL);
        assertEquals(1.17693919369, new SparseCategoricalCrossentropy().call(t(1, 2), pred).item(), TOL);
        assertEquals(1.17693919369, new SparseCategoricalCrossentropy().call(t(new double[][]{{1}, {2}}), pred).item(), TOL);
    }

    @Test
    void crossEntropiesFromLogitsEqualHandComputedLogSoftmax() {
        Tensor logits = t(new double[][]{{2, 1, 0.1}, {0.5, 2.5, -1}});
        assertEquals(2.53510411170, new CategoricalCrossentropy(true).call(t(new double[][]{{0, 1, 0}, {0, 0, 1}}), logits).item(), TOL);
        assertEquals(0.28510411170, new SparseCategoricalCrossentropy(true).call(t(0, 1), logits).item(), TOL);
    }

    @Test
    void stringNamesGiveTheLossesAndConfigRoundTrips() {
        for (String name : Losses.NAMES) {
            Loss loss = Losses.get(name);
            Loss again = Losses.fromConfig(loss.getConfig());
            assertEquals(loss.getClass(), again.getClass(), name);
            assertEquals(loss.getConfig(), again.getConfig(), name);
        }
        Loss logits = Losses.fromConfig(new SparseCategoricalCrossentropy(true, Loss.Reduction.SUM).getConfig());
        assertEquals(Map.of("name", "sparse_categorical_crossentropy", "reduction", "sum", "from_logits", true), logits.getConfig());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.get("crossentropy"));
        assertTrue(e.getMessage().contains("crossentropy") && e.getMessage().contains("mean_squared_error"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Loss.Reduction.get("avg"));
        assertTrue(e.getMessage().contains("avg") && e.getMessage().contains("sum_over_batch_size"), e.getMessage());
    }

    @Test
    void targetsWithoutTheTrailingUnitAxisFitSingleOutputPredictions() {
        // Keras accepts labels (batch,) for a Dense(1) output (batch, 1): binary classification, regression
        Tensor pred = t(new double[][]{{0.6}, {0.4}});
        assertEquals(new BinaryCrossentropy().call(t(new double[][]{{0}, {1}}), pred).item(),
                new BinaryCrossentropy().call(t(0, 1), pred).item(), 1e-12);
        assertEquals((0.36 + 0.36) / 2, new MeanSquaredError().call(t(0, 1), pred).item(), TOL);
        assertEquals(0.6, new MeanAbsoluteError().call(new Tensor(Nd4j.createFromArray(0, 1)), pred).item(), TOL);
    }

    // ---------------------------------------------------------------- edge cases

    private static List<Loss> all() {
        return Losses.NAMES.stream().map(Losses::get).toList();
    }

    @Test
    void emptyBatchIsAClearError() {
        Tensor empty = new Tensor(Nd4j.create(DataType.FLOAT, 0, 3));
        for (Loss loss : all()) {
            Tensor targets = loss instanceof SparseCategoricalCrossentropy
                    ? new Tensor(Nd4j.create(DataType.FLOAT, 0)) : new Tensor(Nd4j.create(DataType.FLOAT, 0, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss.call(targets, empty), loss.name());
            assertTrue(e.getMessage().contains(loss.name()) && e.getMessage().contains("batch > 0")
                    && e.getMessage().contains("[0, 3]"), e.getMessage());
        }
    }

    @Test
    void targetsOfTheWrongShapeAreAClearErrorNamingBothShapes() {
        Tensor pred = t(new double[][]{{0.2, 0.8}, {0.6, 0.4}});
        Tensor wrong = t(new double[][]{{0, 1, 0}, {1, 0, 0}});
        for (Loss loss : all()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss.call(wrong, pred), loss.name());
            assertTrue(e.getMessage().contains(loss.name()), e.getMessage());
            assertTrue(e.getMessage().contains("[2, 2]") && e.getMessage().contains("[2, 3]"), loss.name() + ": " + e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SparseCategoricalCrossentropy().call(t(0, 1, 1), pred));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2, 2]"), e.getMessage());
    }

    @Test
    void sparseLabelsOutOfRangeAreAClearError() {
        Tensor pred = t(new double[][]{{0.2, 0.3, 0.5}, {0.6, 0.3, 0.1}});
        for (boolean logits : new boolean[]{false, true}) {
            Loss loss = new SparseCategoricalCrossentropy(logits);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss.call(t(0, 3), pred));
            assertTrue(e.getMessage().contains("3.0") && e.getMessage().contains("[0, 3)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> loss.call(t(-1, 0), pred));
            assertTrue(e.getMessage().contains("-1.0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> loss.call(t(0.5, 1), pred));
            assertTrue(e.getMessage().contains("0.5") && e.getMessage().contains("integer"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> loss.call(t(Double.NaN, 1), pred));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        }
    }

    @Test
    void fromLogitsStaysFiniteForHugeLogits() {
        INDArray huge = Nd4j.createFromArray(new double[][]{{1000, -1000, 0}, {-500, 800, 1e4}}).castTo(DataType.FLOAT);
        INDArray labels = Nd4j.createFromArray(1, 1);
        INDArray oneHot = Nd4j.createFromArray(new double[][]{{0, 1, 0}, {0, 1, 0}}).castTo(DataType.FLOAT);
        // true classes get logits 1000 below and 9200 below the maximum: the losses are exactly those gaps
        assertFinite(new SparseCategoricalCrossentropy(true), new Tensor(labels), huge, (2000 + 9200) / 2.0);
        assertFinite(new CategoricalCrossentropy(true), new Tensor(oneHot), huge, (2000 + 9200) / 2.0);
        // binary: max(x,0) - x y + log1p(exp(-|x|)) per element, averaged: row 1 = (1000 + 1000 + log 2) / 3 ...
        INDArray y = Nd4j.createFromArray(new double[][]{{0, 0, 1}, {1, 0, 0}}).castTo(DataType.FLOAT);
        double row0 = (1000 + 0 + Math.log(2)) / 3;
        double row1 = (500 + 800 + 1e4) / 3;
        assertFinite(new BinaryCrossentropy(true), new Tensor(y), huge, (row0 + row1) / 2);
        // probabilities that are exactly 0 or 1 are clipped at epsilon, never log(0)
        INDArray hard = Nd4j.createFromArray(new double[][]{{0, 1, 0}, {1, 0, 0}}).castTo(DataType.FLOAT);
        assertFinite(new SparseCategoricalCrossentropy(), new Tensor(Nd4j.createFromArray(0, 0)), hard, -Math.log(1e-7) / 2);
    }

    private static void assertFinite(Loss loss, Tensor yTrue, INDArray yPred, double expected) {
        Tensor pred = new Tensor(yPred.dup());
        Tensor value;
        Tensor grad;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(pred);
            value = loss.call(yTrue, pred);
            grad = tape.gradient(value, pred);
        }
        assertTrue(Double.isFinite(value.item()), loss.name() + " value " + value.item());
        assertEquals(expected, value.item(), Math.abs(expected) * 1e-5, loss.name());
        for (double g : grad.array().dup().reshape(grad.array().length()).toDoubleVector()) {
            assertTrue(Double.isFinite(g), loss.name() + " gradient " + grad.array());
        }
    }
}
