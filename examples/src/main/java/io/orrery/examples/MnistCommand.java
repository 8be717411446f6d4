package io.orrery.examples;

import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code mnist}: the seed's walk-through, Dense(512, relu) -> Dense(10, softmax), rmsprop, in one process. */
@Command(name = "mnist", mixinStandardHelpOptions = true,
        description = "Train the Keras book's first MNIST model locally and print test_acc.")
final class MnistCommand implements Callable<Integer> {

    @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", description = "Folder holding the four MNIST IDX files (default: the dataset cache, see docs/datasets.md).")
    Path data;

    @Override
    public Integer call() {
        Threading.configure();
        TrainTestSplit split = data == null ? Mnist.load() : Mnist.load(data);
        Walkthrough.run(split, epochs, batchSize, seed, System.out);
        return 0;
    }
}
