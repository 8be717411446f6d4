package io.orrery.examples.bench;

import io.orrery.core.data.LabeledImages;
import io.orrery.core.models.Sequential;
import io.orrery.examples.BookModels;
import io.orrery.examples.spark.MnistSamples;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The benchmark's models, one definition for every runner in this JVM: the Keras book's two MNIST models
 * ({@link BookModels}), built for their input shapes and compiled alike, with the same seed each time.
 */
final class ReferenceWorkload {

    private static final long SEED = 42;

    private ReferenceWorkload() {
    }

    /**
     * The model named by {@link BenchConfig#model()}, RMSprop, sparse categorical cross-entropy: {@code mlp} is
     * Dense(512, relu) -> Dense(10, softmax) on 784 features, {@code convnet} the book's chapter 8 convnet on
     * (28, 28, 1) images.
     */
    static Sequential newModel(String model) {
        Sequential m = switch (model) {
            case BenchConfig.MLP -> BookModels.mlp(SEED).build(784);
            case BenchConfig.CONVNET -> BookModels.convnet(SEED).build(28, 28, 1);
            default -> throw new IllegalArgumentException("Invalid bench model: expected one of "
                    + BenchConfig.MODELS + ", found \"" + model + "\"");
        };
        m.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        return m;
    }

    /**
     * The images as {@code model} takes them in a single process, float32 in [0, 1]: shape (n, 784) for the MLP,
     * (n, 28, 28, 1) for the convnet. (The Spark trainer reshapes its 784-float samples to the model's input shape
     * itself.)
     */
    static INDArray features(LabeledImages images, String model) {
        INDArray flat = MnistSamples.features(images);
        return BenchConfig.CONVNET.equals(model) ? flat.reshape(images.size(), 28, 28, 1) : flat;
    }
}
