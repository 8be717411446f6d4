package io.orrery.core.models;

import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.layers.Dense;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's model on a real MNIST subset: Dense(512, relu) -> Dense(10, softmax), rmsprop, batch 64, trained on
 * the first 6,000 training images (scaled to [0, 1]) for 3 epochs, reaches at least 0.90 accuracy on the first
 * 1,000 test images (about 0.93-0.94 is typical).
 */
class MnistTrainingTest {

    @Test
    void smallMlpReachesNinetyPercentOnRealMnistSubset() {
        TrainTestSplit mnist = Mnist.load();
        INDArray x = mnist.train().samples(0, 6000).images().reshape(6000, 784).divi(255);
        INDArray y = mnist.train().samples(0, 6000).labels();
        INDArray xTest = mnist.test().samples(0, 1000).images().reshape(1000, 784).divi(255);
        INDArray yTest = mnist.test().samples(0, 1000).labels();

        Sequential model = new Sequential(List.of(new Dense(512, "relu"), new Dense(10, "softmax"))).setSeed(42);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        long start = System.nanoTime();
        History history = model.fit(x, y, FitOptions.defaults().epochs(3).batchSize(64).validationData(xTest, yTest).seed(7).verbose(0));
        long fitMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(Set.of("loss", "accuracy", "val_loss", "val_accuracy"), history.history().keySet());
        for (List<Double> values : history.history().values()) {
            assertEquals(3, values.size());
        }
        List<Double> loss = history.get("loss");
        assertTrue(loss.get(0) > loss.get(1) && loss.get(1) > loss.get(2), "training loss falls every epoch: " + loss);
        double accuracy = model.evaluate(xTest, yTest).get("accuracy");
        System.out.printf("MNIST 6,000/1,000: 3 epochs in %d ms, test accuracy %.4f, history %s%n", fitMs, accuracy, history);
        assertTrue(accuracy >= 0.90, "test accuracy " + accuracy);
        assertEquals(accuracy, history.get("val_accuracy").get(2), 1e-9, "val_accuracy is the test accuracy after the last epoch");
        // the first test digit is a 7
        assertEquals(7, model.predict(xTest.getRow(0, true)).argMax(1).getInt(0));
    }
}
