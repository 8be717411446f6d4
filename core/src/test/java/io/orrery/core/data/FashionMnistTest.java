package io.orrery.core.data;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The real Fashion-MNIST from the cache, in Keras's {@code fashion_mnist.load_data()} shapes. */
class FashionMnistTest {

    private static TrainTestSplit fashion;

    @BeforeAll
    static void load() {
        fashion = FashionMnist.load(TestFiles.fashionDir(), false);
    }

    /** The test JVM runs every test class: let the next ones have this memory (~240 MB, mostly off-heap). */
    @AfterAll
    static void release() {
        fashion = null;
    }

    @Test
    void splitsHaveKerasShapes() {
        assertArrayEquals(new long[]{60000, 28, 28}, fashion.train().images().shape());
        assertArrayEquals(new long[]{60000}, fashion.train().labels().shape());
        assertArrayEquals(new long[]{10000, 28, 28}, fashion.test().images().shape());
        assertArrayEquals(new long[]{10000}, fashion.test().labels().shape());
    }

    @Test
    void firstLabelsAreAnkleBootThenTShirts() {
        int[] train = {fashion.train().label(0), fashion.train().label(1), fashion.train().label(2)};
        int[] test = {fashion.test().label(0), fashion.test().label(1), fashion.test().label(2)};
        assertArrayEquals(new int[]{9, 0, 0}, train);
        assertArrayEquals(new int[]{9, 2, 1}, test);
        assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(train[0]));
    }

    @Test
    void everyClassHas6000TrainingImages() {
        int[] counts = new int[10];
        for (int label : fashion.train().labels().toIntVector()) {
            counts[label]++;
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(6000, counts[c], "class " + c);
        }
    }
}
