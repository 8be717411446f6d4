package io.orrery.core.models;

import io.orrery.core.layers.BatchNormalization;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.Embedding;
import io.orrery.core.layers.Flatten;
import io.orrery.core.layers.GRU;
import io.orrery.core.layers.LSTM;
import io.orrery.core.layers.Layer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Save and load of models with BatchNormalization, Embedding, LSTM and GRU: the configuration, every trainable
 * weight, the moving statistics and the optimizer state come back, so the reloaded model predicts bit for bit as the
 * saved one and trains on identically.
 */
class RecurrentModelFileTest {

    @TempDir
    Path dir;

    private static INDArray sequences(long seed, long n) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, n, 5, 3);
    }

    private static INDArray labels(long n) {
        float[] y = new float[(int) n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
        }
        return Nd4j.createFromArray(y);
    }

    private Sequential roundTrip(Sequential model, INDArray x, INDArray y) throws IOException {
        model.fit(x, y, 1, 4);
        Path file = dir.resolve(model.name() + ".orrery");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        assertEquals(model.toJson(), loaded.toJson(), "configuration");
        assertEquals(model.parameters(), loaded.parameters(), "trainable weights");
        assertEquals(model.nonTrainableParameters(), loaded.nonTrainableParameters(), "non-trainable weights");
        assertEquals(model.predict(x), loaded.predict(x), "predictions bit for bit");
        // training on from the file is the same as training on from memory
        model.trainOnBatch(x, y);
        loaded.trainOnBatch(x, y);
        assertEquals(model.parameters(), loaded.parameters(), "one more step, same parameters");
        assertEquals(model.nonTrainableParameters(), loaded.nonTrainableParameters(), "one more step, same moving statistics");
        return loaded;
    }

    @Test
    void lstmAndGruModelsRoundTrip() throws IOException {
        Sequential model = new Sequential(List.of(new GRU(4, true), new LSTM(3), new Dense(3, "softmax"))).setSeed(5).setName("rnn");
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        Sequential loaded = roundTrip(model, sequences(1, 12), labels(12));
        assertEquals(List.of("GRU", "LSTM", "Dense"), loaded.layers().stream().map(Layer::getClass).map(Class::getSimpleName).toList());
        GRU gru = (GRU) loaded.layers().get(0);
        assertTrue(gru.returnSequences() && gru.resetAfter());
        LSTM lstm = (LSTM) loaded.layers().get(1);
        assertTrue(!lstm.returnSequences() && lstm.unitForgetBias());
    }

    @Test
    void embeddingModelRoundTrips() throws IOException {
        Sequential model = new Sequential(List.of(new Embedding(10, 4), new GRU(3, "tanh", "sigmoid", true, "glorot_uniform",
                "orthogonal", "zeros", false, false), new Dense(3, "softmax"))).setSeed(6).setName("embedded");
        model.compile("rmsprop", "sparse_categorical_crossentropy");
        INDArray x = Nd4j.createFromArray(new float[][]{{1, 2, 3}, {9, 0, 0}, {4, 4, 4}, {7, 8, 9}, {0, 1, 0}, {5, 6, 2}});
        roundTrip(model, x, labels(6));
    }

    @Test
    void batchNormalizationMovingStatisticsRoundTrip() throws IOException {
        Sequential model = new Sequential(List.of(new Flatten(), new Dense(6, "relu"), new BatchNormalization(),
                new Dense(3, "softmax"))).setSeed(7).setName("bn");
        model.compile("sgd", "sparse_categorical_crossentropy");
        Sequential loaded = roundTrip(model, sequences(2, 12), labels(12));
        BatchNormalization bn = (BatchNormalization) loaded.layers().get(2);
        assertTrue(bn.movingMean().array().neq(0).any(), "the moving mean moved in training and was restored");
        try (ZipFile zip = new ZipFile(dir.resolve("bn.orrery").toFile())) {
            assertNotNull(zip.getEntry("non_trainable.bin"));
        }
    }

    @Test
    void modelsWithoutNonTrainableWeightsWriteNoExtraEntry() throws IOException {
        Sequential model = new Sequential(List.of(new LSTM(2), new Dense(3, "softmax"))).setSeed(8).setName("plain");
        model.compile("sgd", "sparse_categorical_crossentropy");
        roundTrip(model, sequences(3, 6), labels(6));
        try (ZipFile zip = new ZipFile(dir.resolve("plain.orrery").toFile())) {
            assertNull(zip.getEntry("non_trainable.bin"), "files of models without state are what older Orrery wrote");
        }
    }

    @Test
    void aFileMissingTheMovingStatisticsIsRejectedByName() throws IOException {
        Sequential model = new Sequential(List.of(new BatchNormalization(), new Dense(2))).setSeed(9).setName("cut");
        model.build(3);
        Path file = dir.resolve("full.orrery");
        model.save(file);
        Path cut = dir.resolve("cut.orrery");
        try (ZipFile zip = new ZipFile(file.toFile()); OutputStream out = Files.newOutputStream(cut);
             ZipOutputStream z = new ZipOutputStream(out)) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (!e.getName().equals("non_trainable.bin")) {
                    z.putNextEntry(new ZipEntry(e.getName()));
                    try (InputStream in = zip.getInputStream(e)) {
                        in.transferTo(z);
                    }
                    z.closeEntry();
                }
            }
        }
        IOException e = assertThrows(IOException.class, () -> Sequential.load(cut));
        assertTrue(e.getMessage().contains("non_trainable.bin") && e.getMessage().contains("6 non-trainable values"), e.getMessage());
    }
}
