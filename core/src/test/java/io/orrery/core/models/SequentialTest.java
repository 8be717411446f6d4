package io.orrery.core.models;

import io.orrery.core.layers.Dense;
import io.orrery.core.losses.SparseCategoricalCrossentropy;
import io.orrery.core.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sequential's fit/evaluate/predict contract on small synthetic data: history keys, batching, bad inputs. */
class SequentialTest {

    private static INDArray x;
    private static INDArray y;

    /** 300 samples of 20 features; the class is which of 4 feature groups has the largest sum (learnable). */
    @BeforeAll
    static void data() {
        Nd4j.getRandom().setSeed(1);
        x = Nd4j.rand(DataType.FLOAT, 300, 20);
        y = x.reshape(300, 4, 5).sum(2).argMax(1).castTo(DataType.INT32);
    }

    private static Sequential model() {
        Sequential model = new Sequential(List.of(new Dense(16, "relu"), new Dense(4, "softmax"))).setSeed(2);
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        return model;
    }

    private static FitOptions quiet(int epochs) {
        return FitOptions.defaults().epochs(epochs).batchSize(32).seed(3).verbose(0);
    }

    private static INDArray rows(INDArray a, long from, long to) {
        return a.rank() == 1 ? a.get(NDArrayIndex.interval(from, to)) : a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    private static float[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toFloatVector();
    }

    // ---------------------------------------------------------------- fit history

    @Test
    void historyWithoutValidationHasLossAndMetrics() {
        History h = model().fit(x, y, quiet(2));
        assertEquals(List.of("loss", "accuracy"), List.copyOf(h.history().keySet()));
        assertEquals(2, h.get("loss").size());
        assertEquals(List.of(0, 1), h.epochs());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.get("val_loss"));
        assertTrue(e.getMessage().contains("val_loss") && e.getMessage().contains("loss"), e.getMessage());
    }

    @Test
    void historyWithValidationSplitHasValidationKeysComputedOnTheLastSamples() {
        Sequential model = model();
        History h = model.fit(x, y, quiet(2).validationSplit(0.2));
        assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy"), List.copyOf(h.history().keySet()));
        h.history().values().forEach(v -> assertEquals(2, v.size()));
        // Keras holds out the last 20% (before shuffling): val_ values are an evaluation of samples 240..299
        Map<String, Double> val = model.evaluate(rows(x, 240, 300), rows(y, 240, 300));
        assertEquals(val.get("loss"), h.get("val_loss").get(1), 1e-6);
        assertEquals(val.get("accuracy"), h.get("val_accuracy").get(1), 1e-12);
    }

    @Test
    void historyWithValidationDataHasValidationKeys() {
        Sequential model = model();
        INDArray vx = rows(x, 0, 50);
        INDArray vy = rows(y, 0, 50);
        History h = model.fit(x, y, quiet(3).validationData(vx, vy));
        assertEquals(Set.of("loss", "accuracy", "val_loss", "val_accuracy"), h.history().keySet());
        h.history().values().forEach(v -> assertEquals(3, v.size()));
        assertEquals(model.evaluate(vx, vy).get("loss"), h.get("val_loss").get(2), 1e-6);
        assertTrue(h.get("loss").get(2) < h.get("loss").get(0), "loss falls: " + h.get("loss"));
    }

    @Test
    void historyLossIsTheMeanOverTheEpochsBatches() {
        Sequential model = model();
        Sequential twin = model();
        History h = model.fit(x, y, quiet(1).shuffle(false));
        double sum = 0;
        for (int start = 0; start < 300; start += 32) {
            long end = Math.min(300, start + 32);
            sum += twin.trainOnBatch(rows(x, start, end), rows(y, start, end)) * (end - start);
        }
        assertEquals(sum / 300, h.get("loss").get(0), 1e-6);
        assertArrayEquals(flat(twin.parameters()), flat(model.parameters()), "fit equals the same trainOnBatch calls");
    }

    @Test
    void binaryClassifierWithOneSigmoidOutputTrainsOnLabelVectors() {
        // the Keras book's IMDB shape: Dense(1, "sigmoid"), binary_crossentropy, labels of shape (samples,)
        INDArray labels = y.lt(2).castTo(DataType.FLOAT);
        Sequential model = new Sequential(List.of(new Dense(16, "relu"), new Dense(1, "sigmoid"))).setSeed(4);
        model.compile(io.orrery.core.optimizers.Optimizers.get("rmsprop"), io.orrery.core.losses.Losses.get("binary_crossentropy"));
        History h = model.fit(x, labels, quiet(30));
        assertTrue(h.get("loss").get(29) < h.get("loss").get(0), h.get("loss").toString());
        INDArray p = model.predict(x);
        assertArrayEquals(new long[]{300, 1}, p.shape());
        double accuracy = p.reshape(300).gt(0.5).castTo(DataType.FLOAT).eq(labels).castTo(DataType.FLOAT).meanNumber().doubleValue();
        assertTrue(accuracy > 0.8, "training accuracy " + accuracy);
        assertEquals(h.get("loss").get(29), model.evaluate(x, labels).get("loss"), 0.05);
    }

    // ---------------------------------------------------------------- predict and evaluate

    @Test
    void predictInBatchesEqualsOneShot() {
        Sequential model = model();
        model.fit(x, y, quiet(1));
        INDArray oneShot = model.predict(x, 300);
        assertArrayEquals(new long[]{300, 4}, oneShot.shape());
        for (int batch : new int[]{1, 7, 32, 299}) {
            // to float rounding, not bit for bit: BLAS may sum in another order for another batch size (batch 1 differs in the last bit)
            assertArrayEquals(flat(oneShot), flat(model.predict(x, batch)), 1e-6f, "batch " + batch);
        }
        assertArrayEquals(flat(oneShot), flat(model.call(new Tensor(x), false).array()), 1e-6f, "call(x) on the tape path");
        for (float rowSum : flat(oneShot.sum(1))) {
            assertEquals(1.0f, rowSum, 1e-5f);
        }
    }

    @Test
    void evaluateMatchesManualComputation() {
        Sequential model = model();
        model.fit(x, y, quiet(30));
        INDArray p = model.predict(x, 300);
        double loss = new SparseCategoricalCrossentropy().call(new Tensor(y), new Tensor(p)).item();
        int[] predicted = p.argMax(1).toIntVector();
        int[] labels = y.toIntVector();
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        for (int batch : new int[]{7, 32, 300}) {
            Map<String, Double> logs = model.evaluate(x, y, batch);
            assertEquals(List.of("loss", "accuracy"), List.copyOf(logs.keySet()));
            assertEquals(loss, logs.get("loss"), 1e-6, "loss, batch " + batch);
            assertEquals(correct / 300.0, logs.get("accuracy"), 1e-12, "accuracy, batch " + batch);
        }
        assertTrue(correct / 300.0 > 0.5, "learned something: " + correct);
    }

    // ---------------------------------------------------------------- bad inputs

    private static String error(Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        return e.getMessage();
    }

    @Test
    void wrongInputWidthIsAClearError() {
        Sequential model = model();
        model.build(20);
        INDArray narrow = Nd4j.rand(DataType.FLOAT, 5, 19);
        INDArray labels = Nd4j.createFromArray(0, 1, 2, 3, 0);
        for (Runnable r : List.<Runnable>of(() -> model.fit(narrow, labels, quiet(1)), () -> model.predict(narrow),
                () -> model.evaluate(narrow, labels), () -> model.trainOnBatch(narrow, labels))) {
            String m = error(r);
            assertTrue(m.contains("[20]") && m.contains("[19]"), m);
        }
    }

    @Test
    void integerInputsAreAClearError() {
        Sequential model = model();
        String m = error(() -> model.fit(x.castTo(DataType.INT32), y, quiet(1)));
        assertTrue(m.contains("floating-point") && m.contains("INT"), m);
        m = error(() -> model.predict(x.castTo(DataType.UINT8)));
        assertTrue(m.contains("floating-point"), m);
    }

    @Test
    void float64InputsToAFloat32ModelAreAClearError() {
        Sequential model = model();
        String m = error(() -> model.fit(x.castTo(DataType.DOUBLE), y, quiet(1)));
        assertTrue(m.contains("DOUBLE") && m.contains("FLOAT"), m);
    }

    @Test
    void nanAndOutOfRangeLabelsAreAClearError() {
        Sequential model = model();
        INDArray nan = y.castTo(DataType.FLOAT);
        nan.putScalar(5, Float.NaN);
        String m = error(() -> model.fit(x, nan, quiet(1)));
        assertTrue(m.contains("NaN") && m.contains("[0, 4)"), m);
        INDArray tooBig = y.dup();
        tooBig.putScalar(7, 4);
        m = error(() -> model.fit(x, tooBig, quiet(1)));
        assertTrue(m.contains("4") && m.contains("[0, 4)") && m.contains("outputs"), m);
        INDArray negative = y.dup();
        negative.putScalar(0, -1);
        m = error(() -> model.evaluate(x, negative));
        assertTrue(m.contains("-1") && m.contains("[0, 4)"), m);
    }

    @Test
    void targetCountMismatchIsAClearError() {
        Sequential model = model();
        String m = error(() -> model.fit(x, rows(y, 0, 299), quiet(1)));
        assertTrue(m.contains("300") && m.contains("[299]"), m);
    }

    @Test
    void oneHotTargetsForASparseLossAreAClearError() {
        Sequential model = model();
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, 300, 4);
        String m = error(() -> model.fit(x, oneHot, quiet(1)));
        assertTrue(m.contains("[32, 4]") && m.contains("class indices"), m);
    }

    @Test
    void nonFiniteInputsStopTrainingWithANote() {
        Sequential model = model();
        INDArray bad = x.dup();
        bad.putScalar(new long[]{40, 3}, Float.NaN);
        History h = model.fit(bad, y, quiet(3).shuffle(false));
        assertTrue(h.get("loss").isEmpty() || h.get("loss").size() < 3, h.toString());
        assertTrue(h.events().stream().anyMatch(e -> e.contains("NaN") && e.contains("epoch 1 batch 2")), h.events().toString());
    }

    @Test
    void addingLayersToABuiltModelIsAClearError() {
        Sequential model = model();
        model.build(20);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.add(new Dense(2)));
        assertTrue(e.getMessage().contains("already built"), e.getMessage());
    }

    @Test
    void emptyDataIsAClearError() {
        Sequential model = model();
        INDArray none = Nd4j.create(DataType.FLOAT, 0, 20);
        INDArray noLabels = Nd4j.create(DataType.INT32, 0);
        for (Runnable r : List.<Runnable>of(() -> model.fit(none, noLabels, quiet(1)), () -> model.evaluate(none, noLabels),
                () -> model.trainOnBatch(none, noLabels))) {
            String m = error(r);
            assertTrue(m.contains("at least one sample") && m.contains("[0, 20]"), m);
        }
    }

    @Test
    void trainingAnUncompiledModelIsAClearError() {
        Sequential model = new Sequential(List.of(new Dense(2)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.fit(x, y, quiet(1)));
        assertTrue(e.getMessage().contains("compile"), e.getMessage());
        assertEquals(2, model.predict(x).size(1), "predict needs no compile");
    }

    @Test
    void emptyModelIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Sequential().build(3));
        assertTrue(e.getMessage().contains("no layers"), e.getMessage());
    }
}
