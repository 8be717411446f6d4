package io.orrery.ps.server;

import io.orrery.core.data.LabeledImages;
import io.orrery.core.data.Mnist;
import io.orrery.core.layers.Dense;
import io.orrery.core.losses.SparseCategoricalCrossentropy;
import io.orrery.core.models.Sequential;
import io.orrery.core.optimizers.Optimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/** The reference MNIST MLP (784-512-10, 407,050 parameters) and its data, shared by tests and worker processes. */
final class MnistMlp {

    static final long SEED = 42;

    private MnistMlp() {
    }

    /** Logits output with a from-logits loss: the same function as a softmax layer with the plain loss. */
    static Sequential model(Optimizer optimizer) {
        Sequential model = new Sequential(List.of(new Dense(512, "relu"), new Dense(10)));
        model.setSeed(SEED);
        model.build(784);
        model.compile(optimizer, new SparseCategoricalCrossentropy(true), new String[0]);
        return model;
    }

    /** The first {@code count} training images as [count, 784] float32 in 0..1, and their labels. */
    static INDArray[] trainSamples(int from, int count) {
        LabeledImages train = Mnist.load().train().samples(from, from + count);
        INDArray x = train.images().reshape(count, 784).castTo(DataType.FLOAT).divi(255f);
        INDArray y = train.labels();
        return new INDArray[]{x.dup(), y.dup()};
    }

    static INDArray[] testSamples(int count) {
        LabeledImages test = Mnist.load().test().samples(0, count);
        INDArray x = test.images().reshape(count, 784).castTo(DataType.FLOAT).divi(255f);
        return new INDArray[]{x.dup(), test.labels().dup()};
    }
}
