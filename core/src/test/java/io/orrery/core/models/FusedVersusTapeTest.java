package io.orrery.core.models;

import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.layers.Activation;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.Dropout;
import io.orrery.core.layers.FiniteDifferences;
import io.orrery.core.layers.Flatten;
import io.orrery.core.layers.Layer;
import io.orrery.core.layers.Reshape;
import io.orrery.core.losses.CategoricalCrossentropy;
import io.orrery.core.losses.Loss;
import io.orrery.core.losses.Losses;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused training path of a Sequential of built-in layers ({@code computeGradients}) gives the same flat gradients
 * and loss as differentiating {@code model.call(x, true)} + the loss with a GradientTape: in float64 to 1e-10, and in
 * float32 (the path training really takes, with its own float buffer code) to float precision.
 */
class FusedVersusTapeTest {

    @AfterEach
    void float32() {
        Backend.setFloatx(DataType.FLOAT);
    }

    private static INDArray inputs(DataType type, long... shape) {
        Nd4j.getRandom().setSeed(5);
        return Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(2).castTo(type);
    }

    private static INDArray oneHot(int[] labels, int classes, DataType type) {
        INDArray y = Nd4j.zeros(type, labels.length, classes);
        for (int i = 0; i < labels.length; i++) {
            y.putScalar(i, labels[i], 1.0);
        }
        return y;
    }

    private static final int[] LABELS = {0, 3, 1, 2, 3, 0, 2};

    /** Flatten -> Dense(relu) -> Dropout(0) -> Dense(tanh) -> Reshape -> Flatten -> Activation(sigmoid) -> Dense(4, last). */
    private static Sequential model(String lastActivation, Loss loss, DataType type) {
        Backend.setFloatx(type);
        List<Layer> layers = List.of(new Flatten(), new Dense(8, "relu"), new Dropout(0.0, 1),
                new Dense(6, "tanh", true, "glorot_uniform", "random_uniform"), new Reshape(3, 2), new Flatten(),
                new Activation("sigmoid"), new Dense(4, lastActivation, true, "glorot_uniform", "random_uniform"));
        Sequential model = new Sequential(layers).setSeed(17);
        model.compile(new SGD(0.1), loss);  // no metrics: only the gradients are compared
        model.build(2, 5);
        return model;
    }

    /** Gradients of the loss from the tape, in the model's flat layout. */
    private static INDArray tapeGradients(Sequential model, INDArray x, INDArray y, double[] lossOut) {
        List<Variable> weights = new ArrayList<>();
        for (Layer layer : model.layers()) {
            weights.addAll(layer.weights());
        }
        List<Tensor> grads;
        try (GradientTape tape = new GradientTape()) {
            Tensor out = model.call(new Tensor(x), true);
            Tensor loss = model.loss().call(new Tensor(y), out);
            lossOut[0] = loss.item();
            grads = tape.gradient(loss, weights);
        }
        INDArray flat = model.gradients().dup();
        for (int i = 0; i < weights.size(); i++) {
            ParameterLayout.Entry e = model.layout().entries().get(i);
            ParameterLayout.view(flat, e.offset(), e.length(), e.shape()).assign(grads.get(i).array());
        }
        return flat;
    }

    private static void assertFusedEqualsTape(Sequential model, INDArray x, INDArray y, double tolerance) {
        assertTrue(TrainingStep.fusable(model.layers()), "all built-in layers take the fused path");
        double[] tapeLoss = new double[1];
        INDArray tape = tapeGradients(model, x, y, tapeLoss);
        model.gradients().assign(Double.NaN);
        double fusedLoss = model.computeGradients(x, y);
        INDArray fused = model.gradients().dup();
        assertEquals(tapeLoss[0], fusedLoss, tolerance * Math.max(1, Math.abs(tapeLoss[0])), "loss");
        assertClose(tape, fused, tolerance, model.loss().name() + " flat gradients");
        assertTrue(fused.norm2Number().doubleValue() > 1e-3, "gradients are not trivially zero");
    }

    @Test
    void sparseCrossEntropyWithSoftmaxFusedEqualsTapeInFloat64() {
        Sequential model = model("softmax", new SparseCategoricalCrossentropy(), DataType.DOUBLE);
        INDArray x = inputs(DataType.DOUBLE, 7, 2, 5);
        assertFusedEqualsTape(model, x, Nd4j.createFromArray(LABELS), 1e-10);
        assertFusedEqualsTape(model, x, Nd4j.createFromArray(LABELS).castTo(DataType.DOUBLE), 1e-10);
    }

    @Test
    void categoricalCrossEntropyWithSoftmaxFusedEqualsTapeInFloat64() {
        Sequential model = model("softmax", new CategoricalCrossentropy(), DataType.DOUBLE);
        INDArray x = inputs(DataType.DOUBLE, 7, 2, 5);
        assertFusedEqualsTape(model, x, oneHot(LABELS, 4, DataType.DOUBLE), 1e-10);
        // soft (label-smoothed) targets take the p - y form of the fused gradient
        INDArray smooth = oneHot(LABELS, 4, DataType.DOUBLE).muli(0.9).addi(0.025);
        assertFusedEqualsTape(model, x, smooth, 1e-10);
    }

    @Test
    void meanSquaredErrorFusedEqualsTapeInFloat64() {
        Sequential model = model("linear", Losses.get("mse"), DataType.DOUBLE);
        INDArray x = inputs(DataType.DOUBLE, 7, 2, 5);
        Nd4j.getRandom().setSeed(8);
        assertFusedEqualsTape(model, x, Nd4j.rand(DataType.DOUBLE, 7, 4), 1e-10);
    }

    @Test
    void crossEntropyFromLogitsFusedEqualsTapeInFloat64() {
        Sequential model = model("linear", new SparseCategoricalCrossentropy(true), DataType.DOUBLE);
        assertFusedEqualsTape(model, inputs(DataType.DOUBLE, 7, 2, 5), Nd4j.createFromArray(LABELS), 1e-10);
        Sequential cce = model("linear", new CategoricalCrossentropy(true), DataType.DOUBLE);
        assertFusedEqualsTape(cce, inputs(DataType.DOUBLE, 7, 2, 5), oneHot(LABELS, 4, DataType.DOUBLE), 1e-10);
    }

    @Test
    void fusedGradientsMatchFiniteDifferencesOfTheWholeModel() {
        Sequential model = model("softmax", new SparseCategoricalCrossentropy(), DataType.DOUBLE);
        INDArray x = inputs(DataType.DOUBLE, 7, 2, 5);
        INDArray y = Nd4j.createFromArray(LABELS);
        model.computeGradients(x, y);
        INDArray fused = model.gradients().dup();
        INDArray numeric = FiniteDifferences.gradient(
                () -> model.loss().call(new Tensor(y), model.call(new Tensor(x), true)).item(), model.parameters());
        assertClose(numeric, fused, 1e-6, "d loss / d parameters");
    }

    @Test
    void fusedEqualsTapeInFloat32() {
        INDArray x = inputs(DataType.FLOAT, 7, 2, 5);
        assertFusedEqualsTape(model("softmax", new SparseCategoricalCrossentropy(), DataType.FLOAT), x,
                Nd4j.createFromArray(LABELS), 1e-5);
        assertFusedEqualsTape(model("softmax", new CategoricalCrossentropy(), DataType.FLOAT), x,
                oneHot(LABELS, 4, DataType.FLOAT), 1e-5);
        Nd4j.getRandom().setSeed(8);
        assertFusedEqualsTape(model("linear", Losses.get("mse"), DataType.FLOAT), x, Nd4j.rand(DataType.FLOAT, 7, 4), 1e-5);
    }
}
