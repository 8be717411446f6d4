package io.orrery.examples;

import io.orrery.core.data.Mnist;
import io.orrery.core.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code mnist-convnet}: the Keras book's MNIST convnet (chapter 8), rmsprop, batch 64, 5 epochs, in one process. */
@Command(name = "mnist-convnet", mixinStandardHelpOptions = true,
        description = "Train the Keras book's MNIST convnet locally, print its summary and test_acc.")
final class MnistConvnetCommand implements Callable<Integer> {

    @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", description = "Folder holding the four IDX files (default: the dataset cache, see docs/datasets.md).")
    Path data;

    @Override
    public Integer call() {
        Backend.configureThreads();
        ConvnetWalkthrough.run(data == null ? Mnist.load() : Mnist.load(data), epochs, batchSize, seed, System.out);
        return 0;
    }
}
