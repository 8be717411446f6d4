package io.orrery.examples;

import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.LSTM;
import io.orrery.core.losses.Losses;
import io.orrery.core.models.Sequential;
import io.orrery.core.optimizers.Adam;
import io.orrery.core.tensor.Backend;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code mnist-lstm}: MNIST read as sequences, each image 28 time steps (rows) of 28 features (pixels), through
 * LSTM(units) -> Dense(10, softmax), trained with Adam. Prints the summary and {@code test_acc:}.
 */
@Command(name = "mnist-lstm", mixinStandardHelpOptions = true,
        description = "Train an LSTM on MNIST rows as time steps, locally, and print the summary and test_acc.")
final class MnistLstmCommand implements Callable<Integer> {

    @Option(names = "--units", defaultValue = "128", description = "LSTM units (default: ${DEFAULT-VALUE}).")
    int units;

    @Option(names = "--epochs", defaultValue = "3", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--train-samples", defaultValue = "60000",
            description = "Train on the first N training images (default: all ${DEFAULT-VALUE}).")
    int trainSamples;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for the initial weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", description = "Folder holding the four IDX files (default: the dataset cache, see docs/datasets.md).")
    Path data;

    @Override
    public Integer call() {
        Backend.configureThreads();
        run(data == null ? Mnist.load() : Mnist.load(data), units, epochs, batchSize, learningRate, trainSamples, 10_000, seed, System.out);
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
        model.fit(x, y, epochs, batchSize);
        double testAcc = model.evaluate(xTest, yTest).get("accuracy");
        out.println(String.format(Locale.ROOT, "test_acc: %.4f", testAcc));
        return testAcc;
    }
}
