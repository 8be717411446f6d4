package io.orrery.core.layers;

import io.orrery.core.models.Sequential;
import io.orrery.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LSTM, GRU and Embedding: Keras's weight names, shapes, initial values and configs, and clear errors on bad input. */
class RecurrentLayersTest {

    @Test
    void lstmWeightsHaveKerasShapesNamesAndForgetBiasOne() {
        LSTM lstm = (LSTM) new LSTM(5).setName("lstm");
        new Sequential(List.of(lstm)).setSeed(1).build(7, 3);
        assertEquals(List.of("lstm/kernel", "lstm/recurrent_kernel", "lstm/bias"), lstm.weights().stream().map(v -> v.name()).toList());
        assertArrayEquals(new long[]{3, 20}, lstm.kernel().shape());
        assertArrayEquals(new long[]{5, 20}, lstm.recurrentKernel().shape());
        assertArrayEquals(new long[]{20}, lstm.bias().shape());
        double[] bias = lstm.bias().array().toDoubleVector();
        for (int k = 0; k < 20; k++) {
            assertEquals(k >= 5 && k < 10 ? 1.0 : 0.0, bias[k], "bias[" + k + "]: gates i, f, c, o with f at one");
        }
        assertOrthonormalRows(lstm.recurrentKernel().array());
        assertEquals(3 * 20 + 5 * 20 + 20, lstm.countParams());
        assertArrayEquals(new long[]{-1, 5}, lstm.computeOutputShape(new long[]{-1, 7, 3}));
    }

    @Test
    void summaryOfTheMnistLstmModelHasKerasCounts() {
        Sequential model = new Sequential(List.of(new LSTM(128).setName("lstm"), new Dense(10, "softmax").setName("dense")));
        model.build(28, 28);
        String s = model.summary();
        // Keras: 4 * 128 * (28 + 128 + 1) = 80,384 for the LSTM, 1,290 for the Dense layer
        assertTrue(s.contains(" lstm (LSTM)                 (None, 128)               80384\n"), s);
        assertTrue(s.contains("Total params: 81,674\nTrainable params: 81,674\nNon-trainable params: 0\n"), s);
        Sequential sequences = new Sequential(List.of(new Embedding(1000, 16).setName("embedding"), new GRU(8, true).setName("gru")));
        sequences.build(20);
        s = sequences.summary();
        assertTrue(s.contains(" embedding (Embedding)       (None, 20, 16)            16000\n"), s);
        // Keras: 3 * 8 * (16 + 8 + 2) = 624 with reset_after
        assertTrue(s.contains(" gru (GRU)                   (None, 20, 8)             624\n"), s);
    }

    @Test
    void gruWeightsHaveKerasShapes() {
        GRU gru = new GRU(4, true);
        new Sequential(List.of(gru)).setSeed(2).build(6, 3);
        assertArrayEquals(new long[]{3, 12}, gru.kernel().shape());
        assertArrayEquals(new long[]{4, 12}, gru.recurrentKernel().shape());
        assertArrayEquals(new long[]{2, 12}, gru.bias().shape(), "reset_after: input bias row and recurrent bias row");
        assertOrthonormalRows(gru.recurrentKernel().array());
        assertArrayEquals(new long[]{-1, 6, 4}, gru.computeOutputShape(new long[]{-1, 6, 3}));
        // Keras: 3 gates x units x (features + units + 2 biases)
        assertEquals(3 * 4 * (3 + 4 + 2), gru.countParams());
    }

    @Test
    void orthogonalInitializerGivesOrthonormalColumnsForTallWeights() {
        INDArray tall = LayerInitializers.orthogonal(new long[]{8, 3}, DataType.DOUBLE, new Random(3));
        INDArray gram = tall.transpose().mmul(tall);
        assertTrue(gram.equalsWithEps(Nd4j.eye(3).castTo(DataType.DOUBLE), 1e-12), gram.toString());
        assertOrthonormalRows(LayerInitializers.orthogonal(new long[]{3, 8}, DataType.DOUBLE, new Random(3)));
    }

    private static void assertOrthonormalRows(INDArray w) {
        INDArray d = w.castTo(DataType.DOUBLE);
        INDArray gram = d.mmul(d.transpose());
        assertTrue(gram.equalsWithEps(Nd4j.eye(d.rows()).castTo(DataType.DOUBLE), 1e-5), gram.toString());
    }

    @Test
    void embeddingLooksUpRowsAndStartsUniformInKerasRange() {
        Embedding embedding = new Embedding(50, 8);
        new Sequential(List.of(embedding)).setSeed(4).build(3);
        INDArray table = embedding.embeddings().array();
        assertTrue(table.amaxNumber().doubleValue() <= 0.05 && table.amaxNumber().doubleValue() > 0.04, "uniform(-0.05, 0.05)");
        INDArray out = embedding.apply(new Tensor(Nd4j.createFromArray(new float[][]{{3, 0, 49}, {3, 3, 1}})), false).array();
        assertArrayEquals(new long[]{2, 3, 8}, out.shape());
        assertEquals(table.getRow(49), out.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(2),
                org.nd4j.linalg.indexing.NDArrayIndex.all()));
        assertEquals(table.getRow(3), out.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1), org.nd4j.linalg.indexing.NDArrayIndex.point(1),
                org.nd4j.linalg.indexing.NDArrayIndex.all()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> embedding.apply(new Tensor(Nd4j.createFromArray(new float[][]{{1, 50, 2}})), false));
        assertTrue(e.getMessage().contains("50.0") && e.getMessage().contains("[0, 50)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> embedding.apply(new Tensor(Nd4j.createFromArray(new float[][]{{1.5f, 0, 2}})), false));
    }

    @Test
    void configsRoundTripThroughTheRegistry() {
        for (Layer layer : List.of(new LSTM(3, "relu", "sigmoid", false, "he_uniform", "orthogonal", "zeros", false, true),
                new GRU(2, "tanh", "sigmoid", true, "glorot_uniform", "glorot_normal", "ones", true, false),
                new Embedding(7, 2, "random_normal"))) {
            Map<String, Object> config = layer.getConfig();
            Layer again = LayerRegistry.fromConfig(layer.getClass().getSimpleName(), config);
            assertEquals(config, again.getConfig(), layer.getClass().getSimpleName());
            assertEquals(layer.getClass().getSimpleName(), LayerRegistry.classNameOf(layer));
        }
    }

    @Test
    void kerasOptionsOrreryLacksAreRejectedNotIgnored() {
        Map<String, Object> config = new HashMap<>(new LSTM(3).getConfig());
        config.put("return_state", true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LSTM.fromConfig(config));
        assertTrue(e.getMessage().contains("return_state"), e.getMessage());
        Map<String, Object> dropout = new HashMap<>(new GRU(3).getConfig());
        dropout.put("recurrent_dropout", 0.2);
        assertThrows(IllegalArgumentException.class, () -> GRU.fromConfig(dropout));
        Map<String, Object> masked = new HashMap<>(new Embedding(3, 2).getConfig());
        masked.put("mask_zero", true);
        assertThrows(IllegalArgumentException.class, () -> Embedding.fromConfig(masked));
        assertThrows(IllegalArgumentException.class, () -> new LSTM(0));
        assertThrows(IllegalArgumentException.class, () -> new LSTM(3, "tanh", "sigmoid", true, "glorot_uniform", "nope", "zeros", true, false));
    }

    @Test
    void inputsOfTheWrongRankOrWidthNameBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sequential(List.of(new LSTM(3))).build(28));
        assertTrue(e.getMessage().contains("(batch, timesteps, features)") && e.getMessage().contains("[-1, 28]"), e.getMessage());
        GRU gru = new GRU(3);
        new Sequential(List.of(gru)).build(4, 2);
        e = assertThrows(IllegalArgumentException.class, () -> gru.apply(new Tensor(Nd4j.zeros(DataType.FLOAT, 1, 4, 5)), false));
        assertTrue(e.getMessage().contains("(batch, timesteps, 2)") && e.getMessage().contains("[1, 4, 5]"), e.getMessage());
    }
}
