package io.orrery.examples.bench;

import io.orrery.core.layers.Dense;
import io.orrery.core.models.Sequential;

import java.util.List;

/**
 * The benchmark's model, one definition for every runner in this JVM: the Keras book's MNIST model (its inputs are
 * {@code MnistSamples.features}).
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
}
