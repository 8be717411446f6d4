package io.orrery.examples.bench;

import io.orrery.core.data.LabeledImages;
import io.orrery.core.layers.Dense;
import io.orrery.core.models.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * The benchmark's workload, one definition for every runner in this JVM: the Keras book's MNIST model and its
 * inputs.
 */
final class ReferenceWorkload {

    private ReferenceWorkload() {
    }

    /** Dense(512, relu) -> Dense(10, softmax), RMSprop, sparse categorical cross-entropy, the same seed each time. */
    static Sequential newModel() {
        Sequential model = new Sequential(List.of(new Dense(512, "relu"), new Dense(10, "softmax")));
        model.setSeed(42);
        model.build(784);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        return model;
    }

    /** Images as the model takes them: one row of 784 floats in [0, 1] per image. */
    static INDArray flat(LabeledImages images) {
        return images.images().reshape(images.size(), 784).castTo(DataType.FLOAT).div(255);
    }
}
