package io.orrery.core.models;

import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.layers.Activation;
import io.orrery.core.layers.BatchNormalization;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.Flatten;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model with BatchNormalization trains with fit (on the tape path, since the layer is not fused) and then predicts
 * in inference mode from the moving statistics it gathered: Flatten -> Dense(64) -> BatchNormalization(momentum 0.9)
 * -> relu -> Dense(10, softmax) on the first 3,000 real MNIST training images, 2 epochs of Adam, reaches at least
 * 0.8 on the first 1,000 test images (0.854-0.866 measured). Put back to their initial 0 and 1, the moving statistics no
 * longer normalize the layer's pre-activations and the accuracy drops (to 0.749-0.759 measured).
 */
class BatchNormalizationTrainingTest {

    @Test
    void mlpWithBatchNormalizationLearnsAndPredictsFromMovingStatistics() {
        TrainTestSplit mnist = Mnist.load();
        INDArray x = mnist.train().samples(0, 3000).images().castTo(DataType.FLOAT).divi(255);
        INDArray y = mnist.train().samples(0, 3000).labels();
        INDArray xTest = mnist.test().samples(0, 1000).images().castTo(DataType.FLOAT).divi(255);
        INDArray yTest = mnist.test().samples(0, 1000).labels();
        BatchNormalization bn = new BatchNormalization(-1, 0.9, 1e-3, true, true);
        Sequential model = new Sequential(List.of(new Flatten(), new Dense(64), bn, new Activation("relu"),
                new Dense(10, "softmax"))).setSeed(3);
        model.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        model.fit(x, y, 2, 64);
        double accuracy = model.evaluate(xTest, yTest).get("accuracy");
        assertTrue(accuracy >= 0.8, "test accuracy " + accuracy);
        assertTrue(bn.movingVariance().array().neq(1).any(), "the moving variance moved");
        // with the moving statistics reset to their initial values, inference no longer matches what was learned
        model.nonTrainableParameters().assign(0);
        bn.movingVariance().assign(1);
        double reset = model.evaluate(xTest, yTest).get("accuracy");
        System.out.printf("BatchNormalization MLP: test accuracy %.4f, with initial moving statistics %.4f%n", accuracy, reset);
        assertTrue(reset < accuracy, "accuracy with initial moving statistics " + reset + " vs learned " + accuracy);
    }
}
