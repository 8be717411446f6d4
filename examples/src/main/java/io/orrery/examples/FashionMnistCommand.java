package io.orrery.examples;

import io.orrery.core.data.FashionMnist;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code fashion-mnist}: the same walk-through on Fashion-MNIST (a harder ten-class set, same shapes). */
@Command(name = "fashion-mnist", mixinStandardHelpOptions = true,
        description = "Train the same Dense model on Fashion-MNIST locally and print test_acc.")
final class FashionMnistCommand implements Callable<Integer> {

    @Mixin
    WalkthroughOptions options;

    @Override
    public Integer call() {
        io.orrery.core.tensor.Backend.configureThreads();
        Walkthrough.run(options.data == null ? FashionMnist.load() : FashionMnist.load(options.data),
                options.epochs, options.batchSize, options.seed, System.out);
        return 0;
    }
}
