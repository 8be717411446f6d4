package io.orrery.examples;

import io.orrery.core.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mnist-convnet}: the Keras book's MNIST convnet (chapter 8), rmsprop, batch 64, 5 epochs, in one process. */
@Command(name = "mnist-convnet", mixinStandardHelpOptions = true, defaultValueProvider = MnistConvnetCommand.BookDefaults.class,
        description = "Train the Keras book's MNIST convnet locally, print its summary and test_acc.")
final class MnistConvnetCommand implements Callable<Integer> {

    /** The book trains the convnet in batches of 64. */
    static final class BookDefaults extends WalkthroughOptions.Defaults {
        BookDefaults() {
            super(Map.of("--batch-size", "64"));
        }
    }

    @Mixin
    WalkthroughOptions options;

    @Override
    public Integer call() {
        Backend.configureThreads();
        ConvnetWalkthrough.run(options.mnist(), options.epochs, options.batchSize, options.seed, System.out);
        return 0;
    }
}
