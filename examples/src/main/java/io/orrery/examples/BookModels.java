package io.orrery.examples;

import io.orrery.core.layers.Conv2D;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.Flatten;
import io.orrery.core.layers.MaxPooling2D;
import io.orrery.core.models.Sequential;

import java.util.List;

/** The Keras book's two MNIST models, as the examples and the speed benchmark build them. */
public final class BookModels {

    private BookModels() {
    }

    /** Chapter 2: Dense(512, relu) -> Dense(10, softmax), on (784,) inputs. */
    public static Sequential mlp(long seed) {
        return new Sequential(List.of(new Dense(512, "relu"), new Dense(10, "softmax"))).setSeed(seed);
    }

    /**
     * Chapter 8: Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu) -> MaxPooling2D(2) -> Conv2D(128, 3, relu)
     * -> Flatten -> Dense(10, softmax), on (28, 28, 1) inputs; 104,202 parameters.
     */
    public static Sequential convnet(long seed) {
        return new Sequential(List.of(
                new Conv2D(32, 3, "relu"), new MaxPooling2D(2),
                new Conv2D(64, 3, "relu"), new MaxPooling2D(2),
                new Conv2D(128, 3, "relu"), new Flatten(),
                new Dense(10, "softmax"))).setSeed(seed);
    }
}
