package io.orrery.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

/** Creates the initial value of a weight, as {@code keras.initializers}. */
@FunctionalInterface
public interface Initializer {

    /**
     * @param shape weight shape; for a Dense kernel {@code [fanIn, fanOut]}
     * @param rng   the random source the model passes down (seeded by {@code Sequential.setSeed})
     */
    INDArray create(long[] shape, DataType dataType, Random rng);
}
