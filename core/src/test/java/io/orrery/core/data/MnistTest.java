package io.orrery.core.data;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The real MNIST from the cache, in Keras's {@code mnist.load_data()} shapes. */
class MnistTest {

    private static TrainTestSplit mnist;

    @BeforeAll
    static void load() {
        long start = System.nanoTime();
        mnist = Mnist.load(TestFiles.mnistDir(), false);
        mnist.train().images();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        System.out.println("MNIST read, verified and converted to tensors in " + elapsedMs + " ms");
    }

    /** The test JVM runs every test class: let the next ones have this memory (~240 MB, mostly off-heap). */
    @AfterAll
    static void release() {
        mnist = null;
    }

    @Test
    void trainingSplitHasKerasShapes() {
        INDArray images = mnist.train().images();
        INDArray labels = mnist.train().labels();
        assertArrayEquals(new long[]{60000, 28, 28}, images.shape());
        assertArrayEquals(new long[]{60000}, labels.shape());
        assertEquals(DataType.FLOAT, images.dataType());
        assertEquals(DataType.INT32, labels.dataType());
    }

    @Test
    void testSplitHasKerasShapes() {
        assertArrayEquals(new long[]{10000, 28, 28}, mnist.test().images().shape());
        assertArrayEquals(new long[]{10000}, mnist.test().labels().shape());
        assertEquals(10000, mnist.test().size());
    }

    @Test
    void firstTrainingLabelsAre504() {
        assertArrayEquals(new int[]{5, 0, 4}, mnist.train().labels().get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3)).toIntVector());
    }

    @Test
    void firstTestLabelsAre721() {
        assertArrayEquals(new int[]{7, 2, 1}, new int[]{
                mnist.test().labels().getInt(0), mnist.test().labels().getInt(1), mnist.test().labels().getInt(2)});
        assertEquals(7, mnist.test().label(0));
    }

    @Test
    void pixelsSpanZeroTo255Unscaled() {
        INDArray images = mnist.train().images();
        assertEquals(0.0, images.minNumber().doubleValue());
        assertEquals(255.0, images.maxNumber().doubleValue());
        // Per-image sums are exact in float32 (at most 784 * 255); adding them in double keeps the total exact.
        double total = 0;
        for (double imageSum : images.sum(1, 2).toDoubleVector()) {
            total += imageSum;
        }
        // The sum of all training pixels (mean 33.318, the well-known 0.1307 * 255).
        assertEquals(1_567_298_545L, (long) total);
    }

    @Test
    void labelsAreTheTenDigitsInKnownProportions() {
        int[] counts = new int[10];
        for (int label : mnist.train().labels().toIntVector()) {
            counts[label]++;
        }
        // Class counts of the MNIST training set, as published.
        assertArrayEquals(new int[]{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, counts);
    }
}
