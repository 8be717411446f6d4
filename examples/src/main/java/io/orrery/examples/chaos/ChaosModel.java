package io.orrery.examples.chaos;

import io.orrery.core.losses.Losses;
import io.orrery.core.data.LabeledImages;
import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.layers.Dense;
import io.orrery.core.models.Sequential;
import io.orrery.core.optimizers.SGD;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * The small model and data every chaos run trains: an MLP (784-64-10) with SGD on MNIST, small enough that a fault
 * scenario takes seconds of compute, large enough that accuracy says whether training went right.
 */
final class ChaosModel {

    /** SGD learning rate of the server's optimizer. */
    static final double LEARNING_RATE = 0.1;

    private ChaosModel() {
    }

    /** The model with its initial parameters (seed 1), compiled so that it can be evaluated and saved for `ps`. */
    static Sequential create() {
        Sequential model = new Sequential(List.of(new Dense(64, "relu"), new Dense(10, "softmax")));
        model.setSeed(1);
        model.build(784);
        model.compile(new SGD(LEARNING_RATE), Losses.get("sparse_categorical_crossentropy"),
                "accuracy");
        return model;
    }

    /** Images of {@code part} as float rows scaled to [0, 1], and their labels. */
    static INDArray[] rows(LabeledImages part) {
        int n = part.size();
        INDArray x = part.images().reshape(n, 784).castTo(DataType.FLOAT).divi(255);
        return new INDArray[]{x, part.labels()};
    }

    static TrainTestSplit mnist() {
        return Mnist.load();
    }

    /** Rows {@code [from, from + count)} of x and y, wrapping around the end of the data. */
    static INDArray[] batch(INDArray[] data, long from, int count) {
        long n = data[0].rows();
        long start = Math.floorMod(from, n - count);
        return new INDArray[]{data[0].get(NDArrayIndex.interval(start, start + count), NDArrayIndex.all()).dup(),
                data[1].get(NDArrayIndex.interval(start, start + count)).dup()};
    }
}
