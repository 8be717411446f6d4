package io.orrery.examples;

import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.LSTM;
import io.orrery.core.losses.Losses;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.Sequential;
import io.orrery.core.optimizers.Adam;
import io.orrery.core.tensor.Backend;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mnist-lstm}: MNIST read as sequences, each image 28 time steps (rows) of 28 features (pixels), through
 * LSTM(units) -> Dense(10, softmax), trained with Adam. Prints the summary and {@code test_acc:}.
 */
@Command(name = "mnist-lstm", mixinStandardHelpOptions = true, defaultValueProvider = MnistLstmCommand.LstmDefaults.class,
        description = "Train an LSTM on MNIST rows as time steps, locally, and print the summary and test_acc.")
final class MnistLstmCommand implements Callable<Integer> {

    /** Three epochs: the LSTM's are several times slower than the Dense walk-through's. */
    static final class LstmDefaults extends WalkthroughOptions.Defaults {
        LstmDefaults() {
            super(Map.of("--epochs", "3"));
        }
    }

    @Mixin
    WalkthroughOptions options;

    @Option(names = "--units", defaultValue = "128", description = "LSTM units (default: ${DEFAULT-VALUE}).")
    int units;

    @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--train-samples", defaultValue = "60000",
            description = "Train on the first N training images (default: all ${DEFAULT-VALUE}).")
    int trainSamples;

    @Override
    public Integer call() {
        Backend.configureThreads();
        run(options.mnist(), units, options.epochs, options.batchSize, learningRate, trainSamples, 10_000, options.seed,
                System.out);
        return 0;
    }

    /** Trains on the first {@code trainSamples} images, evaluates on the first {@code testSamples}; returns test accuracy. */
    static double run(TrainTestSplit mnist, int units, int epochs, int batchSize, double learningRate, int trainSamples,
                      int testSamples, long seed, PrintStream out) {
        int nTrain = (int) Math.min(trainSamples, mnist.train().images().size(0));
        int nTest = (int) Math.min(testSamples, mnist.test().images().size(0));
        // (samples, 28, 28): 28 time steps of 28 features, scaled to [0, 1]
        INDArray x = mnist.train().samples(0, nTrain).images().castTo(DataType.FLOAT).divi(255);
        INDArray y = mnist.train().samples(0, nTrain).labels();
        INDArray xTest = mnist.test().samples(0, nTest).images().castTo(DataType.FLOAT).divi(255);
        INDArray yTest = mnist.test().samples(0, nTest).labels();

        Sequential model = new Sequential(List.of(new LSTM(units), new Dense(10, "softmax"))).setName("mnist_lstm").setSeed(seed);
        model.compile(new Adam(learningRate), Losses.get("sparse_categorical_crossentropy"), "accuracy");
        model.build(28, 28);
        model.summary(); // prints itself
        model.fit(x, y, FitOptions.defaults().epochs(epochs).batchSize(batchSize).seed(seed));
        return Walkthrough.printTestAccuracy(model, xTest, yTest, out);
    }
}
