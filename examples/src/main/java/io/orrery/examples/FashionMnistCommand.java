package io.orrery.examples;

import io.orrery.core.data.FashionMnist;
import io.orrery.core.data.TrainTestSplit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code fashion-mnist}: the same walk-through on Fashion-MNIST (a harder ten-class set, same shapes). */
@Command(name = "fashion-mnist", mixinStandardHelpOptions = true,
        description = "Train the same Dense model on Fashion-MNIST locally and print test_acc.")
final class FashionMnistCommand implements Callable<Integer> {

    @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", description = "Folder holding the four Fashion-MNIST IDX files (default: the dataset cache).")
    Path data;

    @Override
    public Integer call() {
        Threading.configure();
        TrainTestSplit split = data == null ? FashionMnist.load() : FashionMnist.load(data);
        Walkthrough.run(split, epochs, batchSize, seed, System.out);
        return 0;
    }
}
