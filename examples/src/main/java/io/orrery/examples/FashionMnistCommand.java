package io.orrery.examples;

import io.orrery.core.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code fashion-mnist}: the same walk-through on Fashion-MNIST (a harder ten-class set, same shapes), with the
 * book's Dense model or, with {@code --model convnet}, its convnet.
 */
@Command(name = "fashion-mnist", mixinStandardHelpOptions = true,
        description = "Train the book's Dense model (or --model convnet) on Fashion-MNIST locally and print test_acc.")
final class FashionMnistCommand implements Callable<Integer> {

    /** The two models the walk-through can train. */
    enum Model { mlp, convnet }

    @Mixin
    WalkthroughOptions options;

    @Option(names = "--model", defaultValue = "mlp",
            description = "mlp (Dense 512 -> Dense 10) or convnet (the book's chapter 8 convnet) (default: ${DEFAULT-VALUE}).")
    Model model;

    @Override
    public Integer call() {
        Backend.configureThreads();
        var data = options.fashionMnist();
        if (model == Model.convnet) {
            ConvnetWalkthrough.run(data, options.epochs, options.batchSize, options.seed, System.out);
        } else {
            Walkthrough.run(data, options.epochs, options.batchSize, options.seed, System.out);
        }
        return 0;
    }
}
