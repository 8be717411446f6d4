package io.orrery.examples;

import io.orrery.core.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code mnist}: Keras's first MNIST walk-through, Dense(512, relu) -> Dense(10, softmax), rmsprop, in one process. */
@Command(name = "mnist", mixinStandardHelpOptions = true,
        description = "Train the Keras book's first MNIST model locally and print test_acc.")
final class MnistCommand implements Callable<Integer> {

    @Mixin
    WalkthroughOptions options;

    @Override
    public Integer call() {
        Backend.configureThreads();
        Walkthrough.run(options.mnist(), options.epochs, options.batchSize, options.seed, System.out);
        return 0;
    }
}
