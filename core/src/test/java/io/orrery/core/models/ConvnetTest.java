package io.orrery.core.models;

import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.layers.Conv2D;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.Flatten;
import io.orrery.core.layers.MaxPooling2D;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Keras book's MNIST convnet (chapter 8): its summary, that it learns, that it saves and resumes exactly. */
class ConvnetTest {

    /** Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu) -> MaxPooling2D(2) -> Conv2D(128, 3, relu) -> Flatten -> Dense(10, softmax). */
    static Sequential bookConvnet(long seed) {
        return new Sequential(List.of(
                new Conv2D(32, 3, "relu"), new MaxPooling2D(2),
                new Conv2D(64, 3, "relu"), new MaxPooling2D(2),
                new Conv2D(128, 3, "relu"), new Flatten(), new Dense(10, "softmax"))).setSeed(seed);
    }

    @Test
    void summaryShowsKerasShapesAndParameterCounts() {
        Sequential model = bookConvnet(1).build(28, 28, 1);
        String summary = model.summary();
        for (String row : List.of("(None, 26, 26, 32)", "(None, 13, 13, 32)", "(None, 11, 11, 64)", "(None, 5, 5, 64)",
                "(None, 3, 3, 128)", "(None, 1152)", "(None, 10)")) {
            assertTrue(summary.contains(row), "summary shows " + row + ":\n" + summary);
        }
        // Keras's names, numbered per process: conv2d, conv2d_1, ...; max_pooling2d, ...
        assertTrue(summary.matches("(?s).* conv2d(_\\d+)? \\(Conv2D\\) .*"), summary);
        assertTrue(summary.matches("(?s).* max_pooling2d(_\\d+)? \\(MaxPooling2D\\) .*"), summary);
        assertTrue(summary.contains("Total params: 104,202"), summary);
        assertTrue(summary.contains("Trainable params: 104,202"), summary);
        assertEquals(104_202, model.countParams());
        assertArrayEquals(new long[]{3, 3, 1, 32}, model.layers().get(0).weights().get(0).shape());
    }

    @Test
    void convnetLearnsMnistSubsetWellAboveWhatABrokenLayerReaches() {
        TrainTestSplit mnist = Mnist.load();
        INDArray x = mnist.train().samples(0, 6000).images(28, 28, 1).div(255);
        INDArray y = mnist.train().samples(0, 6000).labels();
        INDArray xTest = mnist.test().samples(0, 1000).images(28, 28, 1).div(255);
        INDArray yTest = mnist.test().samples(0, 1000).labels();
        Sequential model = bookConvnet(42);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        long start = System.nanoTime();
        model.fit(x, y, FitOptions.defaults().epochs(3).batchSize(64).seed(7).verbose(0));
        long ms = (System.nanoTime() - start) / 1_000_000;
        double accuracy = model.evaluate(xTest, yTest).get("accuracy");
        System.out.printf("convnet on MNIST 6,000/1,000: 3 epochs in %d ms, test accuracy %.4f%n", ms, accuracy);
        // MnistTrainingTest's Dense(512)-Dense(10) MLP on these 6,000 images reaches 0.93-0.94 in 3 epochs; a convnet
        // must beat it
        assertTrue(accuracy >= 0.95, "test accuracy " + accuracy);
        assertEquals(7, model.predict(xTest.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1))).argMax(1).getInt(0));
    }

    @Test
    void savedConvnetResumesBitForBit(@TempDir Path dir) throws Exception {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 256, 28, 28, 1);
        INDArray y = Nd4j.createFromArray(new int[256]).castTo(org.nd4j.linalg.api.buffer.DataType.INT32);
        for (int i = 0; i < 256; i++) {
            y.putScalar(i, i % 10);
        }
        Sequential a = bookConvnet(5);
        a.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        a.fit(x, y, FitOptions.defaults().epochs(1).batchSize(64).seed(1).verbose(0));
        Path file = dir.resolve("convnet.orrery");
        a.save(file);
        Sequential b = Sequential.load(file);
        assertEquals(a.parameters(), b.parameters(), "weights restored exactly");
        assertEquals(a.predict(x), b.predict(x), "same predictions");
        a.fit(x, y, FitOptions.defaults().epochs(1).batchSize(64).seed(2).verbose(0));
        b.fit(x, y, FitOptions.defaults().epochs(1).batchSize(64).seed(2).verbose(0));
        assertEquals(a.parameters(), b.parameters(), "one more epoch after loading gives the same weights bit for bit");
    }

    @Test
    void imagesWithoutTheChannelsAxisGiveAClearError() {
        Sequential fresh = bookConvnet(1);
        fresh.compile("rmsprop", "sparse_categorical_crossentropy");
        INDArray flat = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 28, 28);
        IllegalArgumentException unbuilt = assertThrows(IllegalArgumentException.class, () -> fresh.predict(flat));
        assertTrue(unbuilt.getMessage().contains("(batch, height, width, channels)") && unbuilt.getMessage().contains("[-1, 28, 28]")
                && unbuilt.getMessage().contains("(n, 28, 28, 1)"), unbuilt.getMessage());

        Sequential built = bookConvnet(1).build(28, 28, 1);
        IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class,
                () -> built.predict(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 32, 32, 3)));
        assertTrue(wrongSize.getMessage().contains("[28, 28, 1]") && wrongSize.getMessage().contains("[32, 32, 3]"),
                wrongSize.getMessage());
        IllegalArgumentException wrongRank = assertThrows(IllegalArgumentException.class,
                () -> built.predict(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 784)));
        assertTrue(wrongRank.getMessage().contains("[28, 28, 1]") && wrongRank.getMessage().contains("[784]"),
                wrongRank.getMessage());
    }
}
