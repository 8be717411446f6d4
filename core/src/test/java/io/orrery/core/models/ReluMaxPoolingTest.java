package io.orrery.core.models;

import io.orrery.core.layers.Conv1D;
import io.orrery.core.layers.Conv2D;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.Flatten;
import io.orrery.core.layers.Layer;
import io.orrery.core.layers.MaxPooling1D;
import io.orrery.core.layers.MaxPooling2D;
import io.orrery.core.losses.SparseCategoricalCrossentropy;
import io.orrery.core.optimizers.SGD;
import io.orrery.core.tensor.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ReLU convolution followed by max pooling trains as one step that applies the ReLU after the max: its loss,
 * gradients and predictions equal the two layers run one after the other exactly, including windows whose values are
 * all negative (no gradient) and same-padding windows.
 */
class ReluMaxPoolingTest {

    private static final String OFF = "orrery.layers.noReluPoolFusion";

    @AfterEach
    void restore() {
        System.clearProperty(OFF);
        Backend.setFloatx(DataType.FLOAT);
    }

    private static Sequential conv2d() {
        return model(List.of(Conv2D.builder(6, 3).activation("relu").biasInitializer("random_uniform").build(),
                new MaxPooling2D(2), Conv2D.builder(5, 2).activation("relu").build(), new MaxPooling2D(2, null, "same"),
                new Flatten(), new Dense(4, "softmax")), 9, 10, 2);
    }

    private static Sequential conv1d() {
        return model(List.of(Conv1D.builder(4, 3).activation("relu").build(), new MaxPooling1D(2), new Flatten(),
                new Dense(4, "softmax")), 11, 3);
    }

    private static Sequential model(List<Layer> layers, long... inputShape) {
        Sequential model = new Sequential(layers).setSeed(5);
        model.compile(new SGD(0.1), new SparseCategoricalCrossentropy());
        model.build(inputShape);
        return model;
    }

    private static void assertFusionChangesNothing(DataType type, Supplier<Sequential> build, long... inputShape) {
        Backend.setFloatx(type);
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.DOUBLE, inputShape).subi(0.6).castTo(type);
        INDArray y = Nd4j.createFromArray(0, 3, 1, 2, 3, 0, 1);
        System.setProperty(OFF, "true");
        Sequential plain = build.get();
        double plainLoss = plain.computeGradients(x, y);
        INDArray plainGrads = plain.gradients().dup();
        plain.applyGradients();
        double plainLoss2 = plain.computeGradients(x, y);
        System.clearProperty(OFF);
        Sequential fused = build.get();
        double fusedLoss = fused.computeGradients(x, y);
        assertEquals(plainLoss, fusedLoss, 0.0, "loss");
        assertEquals(plainGrads, fused.gradients(), "gradients, bit for bit");
        fused.applyGradients();
        assertEquals(plainLoss2, fused.computeGradients(x, y), 0.0, "loss after a step");
        assertEquals(plain.predict(x), fused.predict(x), "predictions");
        assertTrue(plainGrads.norm2Number().doubleValue() > 1e-4, "gradients are not trivially zero");
    }

    @Test
    void fusedReluAfterMaxPoolingEqualsReluThenPoolingInFloat32() {
        assertFusionChangesNothing(DataType.FLOAT, ReluMaxPoolingTest::conv2d, 7, 9, 10, 2);
        assertFusionChangesNothing(DataType.FLOAT, ReluMaxPoolingTest::conv1d, 7, 11, 3);
    }

    @Test
    void fusedReluAfterMaxPoolingEqualsReluThenPoolingInFloat64() {
        assertFusionChangesNothing(DataType.DOUBLE, ReluMaxPoolingTest::conv2d, 7, 9, 10, 2);
        assertFusionChangesNothing(DataType.DOUBLE, ReluMaxPoolingTest::conv1d, 7, 11, 3);
    }
}
