package io.orrery.examples;

import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.Sequential;
import io.orrery.core.tensor.Backend;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code custom-layer}: Keras's classic user-defined SimpleDense (a kernel, a bias, an activation), alone and stacked
 * in a Sequential trained on MNIST.
 */
@Command(name = "custom-layer", mixinStandardHelpOptions = true,
        description = "Use a user-defined SimpleDense layer, then train a Sequential of them on MNIST.")
final class CustomLayerCommand implements Callable<Integer> {

    @Option(names = "--epochs", defaultValue = "2", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--samples", defaultValue = "60000", description = "Training samples to use (default: all ${DEFAULT-VALUE}).")
    int samples;

    @Override
    public Integer call() {
        Backend.configureThreads();
        // my_dense = SimpleDense(units=32, activation=tf.nn.relu); input_tensor = tf.ones(shape=(2, 784))
        SimpleDense myDense = new SimpleDense(32, "relu");
        Tensor output = myDense.apply(Tensor.of(Nd4j.ones(DataType.FLOAT, 2, 784)));
        System.out.println("output_tensor.shape " + Walkthrough.shape(output.array()));

        Sequential model = new Sequential(List.of(
                new SimpleDense(32, "relu"),
                new SimpleDense(64, "relu"),
                new SimpleDense(32, "relu"),
                new SimpleDense(10, "softmax")));
        model.setSeed(1);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        model.build(784);
        model.summary();

        TrainTestSplit data = Mnist.load();
        int n = Math.min(samples, 60000);
        INDArray x = data.train().images().reshape(60000, 784).castTo(DataType.FLOAT).divi(255)
                .get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
        INDArray y = data.train().labels().get(NDArrayIndex.interval(0, n));
        INDArray tx = data.test().images().reshape(10000, 784).castTo(DataType.FLOAT).divi(255);
        model.fit(x, y, FitOptions.defaults().epochs(epochs).batchSize(128).seed(1));
        double acc = model.evaluate(tx, data.test().labels()).get("accuracy");
        System.out.println(String.format(Locale.ROOT, "test_acc: %.4f", acc));
        return 0;
    }
}
