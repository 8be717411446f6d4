package io.orrery.core.layers;

import io.orrery.core.models.Sequential;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BatchNormalization's two behaviours with numbers worked out by hand: batch statistics (and a moving-average update)
 * in training, moving statistics in inference; where its weights live (trainable gamma and beta in the parameter
 * buffer, non-trainable moving statistics in the second buffer), and what summary() and fit make of them.
 */
class BatchNormalizationTest {

    // two features over a batch of four: column 0 has mean 2.5 and (biased) variance 1.25, column 1 mean 2 and variance 12
    private static final INDArray X = Nd4j.createFromArray(new float[][]{{1, 0}, {2, 0}, {3, 0}, {4, 8}});

    private static BatchNormalization built(double momentum) {
        BatchNormalization bn = new BatchNormalization(-1, momentum, 1e-3, true, true);
        new Sequential(List.of(bn)).build(2);
        return bn;
    }

    @Test
    void trainingNormalizesWithBatchStatisticsAndMovesTheAverages() {
        BatchNormalization bn = built(0.9);
        INDArray out = bn.apply(new Tensor(X), true).array();
        double[] mean = {2.5, 2};
        double[] var = {1.25, 12};
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals((X.getDouble(i, j) - mean[j]) / Math.sqrt(var[j] + 1e-3), out.getDouble(i, j), 1e-5, "out[" + i + "," + j + "]");
            }
        }
        // moving = moving * 0.9 + batch * 0.1, from zeros and ones
        assertArrayEquals(new double[]{0.25, 0.2}, bn.movingMean().array().toDoubleVector(), 1e-6);
        assertArrayEquals(new double[]{0.9 + 0.125, 0.9 + 1.2}, bn.movingVariance().array().toDoubleVector(), 1e-6);
        bn.apply(new Tensor(X), true);
        assertArrayEquals(new double[]{0.25 * 0.9 + 0.25, 0.2 * 0.9 + 0.2}, bn.movingMean().array().toDoubleVector(), 1e-6);
    }

    @Test
    void inferenceUsesMovingStatisticsAndLeavesThemAlone() {
        BatchNormalization bn = built(0.99);
        bn.movingMean().assign(Nd4j.createFromArray(1f, -1f));
        bn.movingVariance().assign(Nd4j.createFromArray(4f, 0.25f));
        bn.gamma().assign(Nd4j.createFromArray(2f, 3f));
        bn.beta().assign(Nd4j.createFromArray(0.5f, -0.5f));
        INDArray out = bn.apply(new Tensor(X), false).array();
        for (int i = 0; i < 4; i++) {
            assertEquals(2 * (X.getDouble(i, 0) - 1) / Math.sqrt(4 + 1e-3) + 0.5, out.getDouble(i, 0), 1e-5);
            assertEquals(3 * (X.getDouble(i, 1) + 1) / Math.sqrt(0.25 + 1e-3) - 0.5, out.getDouble(i, 1), 1e-5);
        }
        assertArrayEquals(new double[]{1, -1}, bn.movingMean().array().toDoubleVector(), 0);
        assertArrayEquals(new double[]{4, 0.25}, bn.movingVariance().array().toDoubleVector(), 0);
    }

    @Test
    void channelAxisOfImagesIsNormalizedOverBatchAndPixels() {
        BatchNormalization bn = new BatchNormalization();
        Sequential model = new Sequential(List.of(bn));
        model.build(3, 3, 2);
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, 3, 2).muli(10);
        INDArray out = bn.apply(new Tensor(x), true).array();
        INDArray perChannelMean = out.mean(0, 1, 2);
        INDArray perChannelVar = out.var(false, 0, 1, 2);
        assertArrayEquals(new double[]{0, 0}, perChannelMean.toDoubleVector(), 1e-5);
        assertArrayEquals(new double[]{1, 1}, perChannelVar.toDoubleVector(), 1e-3);
        assertArrayEquals(new long[]{2}, bn.movingMean().shape());
    }

    @Test
    void weightsComeInKerasOrderAndMovingStatisticsLiveInTheNonTrainableBuffer() {
        Dense dense = (Dense) new Dense(4).setName("d");
        BatchNormalization bn = (BatchNormalization) new BatchNormalization().setName("bn");
        Dense head = (Dense) new Dense(1).setName("head");
        Sequential model = new Sequential(List.of(dense, bn, head));
        model.build(3);
        assertEquals(List.of("bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance"),
                bn.weights().stream().map(Variable::name).toList());
        assertEquals(List.of("bn/gamma", "bn/beta"), bn.trainableWeights().stream().map(Variable::name).toList());
        assertEquals(List.of("bn/moving_mean", "bn/moving_variance"), bn.nonTrainableWeights().stream().map(Variable::name).toList());
        // Keras: model.weights == model.trainable_weights + model.non_trainable_weights
        assertEquals(List.of("d/kernel", "d/bias", "bn/gamma", "bn/beta", "head/kernel", "head/bias", "bn/moving_mean", "bn/moving_variance"),
                model.weights().stream().map(Variable::name).toList());
        assertEquals(12 + 4 + 4 + 4 + 4 + 1, model.parameters().length(), "the parameter buffer holds trainable weights only");
        assertEquals(8, model.nonTrainableParameters().length());
        assertEquals(12 + 4 + 4 + 4 + 4 + 1 + 8, model.countParams());
        assertEquals(List.of("bn/moving_mean", "bn/moving_variance"),
                model.layout().nonTrainableEntries().stream().map(e -> e.name()).toList());
        // the variables are views: writing the flat buffer changes them
        model.nonTrainableParameters().assign(Nd4j.linspace(DataType.FLOAT, 1, 8, 1));
        assertArrayEquals(new double[]{1, 2, 3, 4}, bn.movingMean().array().toDoubleVector(), 0);
        assertArrayEquals(new double[]{5, 6, 7, 8}, bn.movingVariance().array().toDoubleVector(), 0);
        assertFalse(bn.movingMean().trainable());
    }

    @Test
    void summaryCountsNonTrainableParametersSeparately() {
        Sequential model = new Sequential(List.of(new Dense(4).setName("d"), new BatchNormalization().setName("bn")));
        model.build(3);
        String s = model.summary();
        assertTrue(s.contains(" bn (BatchNormalization)     (None, 4)                 16\n"), s);
        assertTrue(s.contains("Total params: 32\n"), s);
        assertTrue(s.contains("Trainable params: 24\n"), s);
        assertTrue(s.contains("Non-trainable params: 8\n"), s);
    }

    @Test
    void fitMovesTheStatisticsByMomentumAndTheOptimizerNeverTouchesThem() {
        BatchNormalization bn = new BatchNormalization();
        Sequential model = new Sequential(List.of(bn));
        model.compile("adam", "mse");
        model.build(2);
        // Adam's slots cover gamma and beta (2 + 2 values), not the moving statistics
        assertEquals(4, model.optimizerState().slots()[0].length());
        model.trainOnBatch(X, Nd4j.zeros(DataType.FLOAT, 4, 2));
        assertArrayEquals(new double[]{0.025, 0.02}, bn.movingMean().array().toDoubleVector(), 1e-6);
        assertArrayEquals(new double[]{0.99 + 0.0125, 0.99 + 0.12}, bn.movingVariance().array().toDoubleVector(), 1e-6);
        // predict runs in inference mode: the moving statistics normalize, and stay as they are
        INDArray pred = model.predict(X);
        double expected = (X.getDouble(3, 1) - 0.02) / Math.sqrt(1.11 + 1e-3) * bn.gamma().array().getDouble(1) + bn.beta().array().getDouble(1);
        assertEquals(expected, pred.getDouble(3, 1), 1e-5);
        assertArrayEquals(new double[]{0.025, 0.02}, bn.movingMean().array().toDoubleVector(), 1e-6);
    }

    @Test
    void configRoundTripsAndBadSettingsAreRejected() {
        BatchNormalization bn = new BatchNormalization(1, 0.9, 1e-5, false, true);
        Map<String, Object> config = bn.getConfig();
        BatchNormalization again = (BatchNormalization) LayerRegistry.fromConfig("BatchNormalization", config);
        assertEquals(config, again.getConfig());
        assertEquals(-1, ((Number) BatchNormalization.fromConfig(Map.of("name", "b", "axis", List.of(-1))).getConfig().get("axis")).intValue());
        assertThrows(IllegalArgumentException.class, () -> new BatchNormalization(-1, 1.5, 1e-3, true, true));
        assertThrows(IllegalArgumentException.class, () -> new BatchNormalization(-1, 0.9, 0, true, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sequential(List.of(new BatchNormalization(0, 0.9, 1e-3, true, true))).build(3));
        assertTrue(e.getMessage().contains("axis 0") && e.getMessage().contains("[-1, 3]"), e.getMessage());
    }
}
