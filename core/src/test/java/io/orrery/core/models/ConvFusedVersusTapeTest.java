package io.orrery.core.models;

import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.layers.AveragePooling2D;
import io.orrery.core.layers.Conv2D;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.FiniteDifferences;
import io.orrery.core.layers.Flatten;
import io.orrery.core.layers.Layer;
import io.orrery.core.layers.MaxPooling2D;
import io.orrery.core.layers.SimpleDense;
import io.orrery.core.layers.ZeroPadding2D;
import io.orrery.core.losses.SparseCategoricalCrossentropy;
import io.orrery.core.optimizers.SGD;
import io.orrery.core.tensor.Backend;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static io.orrery.core.layers.FiniteDifferences.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole convolutional models: the training step's gradients (fused layers, and a user layer on its own tape in
 * between) equal the tape's on {@code model.call} + loss, in float64 and in float32 (the buffers training really
 * uses), and equal finite differences of the whole model.
 */
class ConvFusedVersusTapeTest {

    private static final int[] LABELS = {0, 3, 1, 2, 3};

    @AfterEach
    void float32() {
        Backend.setFloatx(DataType.FLOAT);
    }

    private static Sequential convnet(DataType type, boolean userLayer) {
        Backend.setFloatx(type);
        List<Layer> layers = new ArrayList<>(List.of(new ZeroPadding2D(1),
                Conv2D.builder(4, 3).activation("relu").biasInitializer("random_uniform").build(), new MaxPooling2D(2),
                Conv2D.builder(5, 2).padding("same").strides(2).activation("tanh").build(), new AveragePooling2D(1),
                new Flatten()));
        if (userLayer) {
            layers.add(new SimpleDense(6, "tanh"));
        }
        layers.add(new Dense(4, "softmax"));
        Sequential model = new Sequential(layers).setSeed(11);
        model.compile(new SGD(0.1), new SparseCategoricalCrossentropy());
        model.build(8, 7, 2);
        return model;
    }

    private static INDArray inputs(DataType type) {
        Nd4j.getRandom().setSeed(4);
        return Nd4j.rand(DataType.DOUBLE, 5, 8, 7, 2).subi(0.5).muli(2).castTo(type);
    }

    private static INDArray tapeGradients(Sequential model, INDArray x, INDArray y) {
        List<Variable> weights = new ArrayList<>();
        for (Layer layer : model.layers()) {
            weights.addAll(layer.weights());
        }
        List<Tensor> grads;
        try (GradientTape tape = new GradientTape()) {
            Tensor loss = model.loss().call(new Tensor(y), model.call(new Tensor(x), true));
            grads = tape.gradient(loss, weights);
        }
        INDArray flat = model.gradients().dup();
        for (int i = 0; i < weights.size(); i++) {
            ParameterLayout.Entry e = model.layout().entries().get(i);
            ParameterLayout.view(flat, e.offset(), e.length(), e.shape()).assign(grads.get(i).array());
        }
        return flat;
    }

    private static void assertFusedEqualsTape(Sequential model, INDArray x, double tolerance) {
        INDArray y = Nd4j.createFromArray(LABELS);
        INDArray tape = tapeGradients(model, x, y);
        model.gradients().assign(Double.NaN);
        model.computeGradients(x, y);
        assertClose(tape, model.gradients(), tolerance, "flat gradients");
        assertTrue(model.gradients().norm2Number().doubleValue() > 1e-3, "gradients are not trivially zero");
        assertClose(model.call(new Tensor(x), false).array(), model.predict(x), tolerance, "predict equals call");
    }

    @Test
    void convnetFusedEqualsTapeInFloat64() {
        Sequential model = convnet(DataType.DOUBLE, false);
        assertTrue(TrainingStep.fusable(model.layers()));
        assertFusedEqualsTape(model, inputs(DataType.DOUBLE), 1e-10);
    }

    @Test
    void userLayerBetweenFusedLayersRunsOnItsOwnTape() {
        Sequential model = convnet(DataType.DOUBLE, true);
        assertFalse(TrainingStep.fusable(model.layers()));
        assertFusedEqualsTape(model, inputs(DataType.DOUBLE), 1e-10);
    }

    @Test
    void convnetFusedEqualsTapeInFloat32() {
        assertFusedEqualsTape(convnet(DataType.FLOAT, false), inputs(DataType.FLOAT), 1e-4);
        assertFusedEqualsTape(convnet(DataType.FLOAT, true), inputs(DataType.FLOAT), 1e-4);
    }

    @Test
    void convnetGradientsMatchFiniteDifferencesOfTheWholeModel() {
        Sequential model = convnet(DataType.DOUBLE, true);
        INDArray x = inputs(DataType.DOUBLE);
        INDArray y = Nd4j.createFromArray(LABELS);
        model.computeGradients(x, y);
        INDArray fused = model.gradients().dup();
        INDArray numeric = FiniteDifferences.gradient(
                () -> model.loss().call(new Tensor(y), model.call(new Tensor(x), true)).item(), model.parameters());
        assertClose(numeric, fused, 1e-6, "d loss / d parameters");
        assertEquals(model.parameters().length(), fused.length());
    }
}
