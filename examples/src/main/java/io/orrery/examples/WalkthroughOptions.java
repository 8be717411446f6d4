package io.orrery.examples;

import io.orrery.core.data.FashionMnist;
import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/**
 * The options the local walk-throughs share (picocli mixin), and the data they name. A command whose model has other
 * defaults (the convnet's batch of 64, the LSTM's 3 epochs) says so with a {@link Defaults} subclass as its
 * {@code defaultValueProvider}; its help then shows its own defaults.
 */
final class WalkthroughOptions {

    @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", description = "Folder holding the four IDX files (default: the dataset cache, see docs/datasets.md).")
    Path data;

    /** MNIST from {@code --data}, or from the dataset cache. */
    TrainTestSplit mnist() {
        return data == null ? Mnist.load() : Mnist.load(data);
    }

    /** Fashion-MNIST from {@code --data}, or from the dataset cache. */
    TrainTestSplit fashionMnist() {
        return data == null ? FashionMnist.load() : FashionMnist.load(data);
    }

    /** A command's own defaults for some of these options, by long name; the others keep the annotations' defaults. */
    abstract static class Defaults implements IDefaultValueProvider {

        private final Map<String, String> values;

        Defaults(Map<String, String> values) {
            this.values = values;
        }

        @Override
        public String defaultValue(ArgSpec argSpec) {
            return argSpec instanceof OptionSpec option ? values.get(option.longestName()) : null;
        }
    }
}
