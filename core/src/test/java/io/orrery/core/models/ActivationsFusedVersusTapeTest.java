package io.orrery.core.models;

import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.layers.Activation;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.Flatten;
import io.orrery.core.layers.Layer;
import io.orrery.core.losses.Losses;
import io.orrery.core.optimizers.SGD;
import io.orrery.core.tensor.Backend;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static io.orrery.core.layers.FiniteDifferences.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every activation by Keras name, in {@code Dense(n, name)} and {@code Activation(name)}: the fused training path
 * (in-place forms and their derivatives) gives the tape's loss and gradients, in float64.
 */
class ActivationsFusedVersusTapeTest {

    @AfterEach
    void float32() {
        Backend.setFloatx(DataType.FLOAT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"softplus", "elu", "selu", "gelu", "swish", "silu", "leaky_relu", "relu", "sigmoid", "tanh"})
    void fusedPathEqualsTapeForActivation(String activation) {
        Backend.setFloatx(DataType.DOUBLE);
        List<Layer> layers = List.of(new Flatten(), new Dense(8, activation, true, "glorot_uniform", "random_uniform"),
                new Activation(activation), new Dense(4, activation, true, "glorot_uniform", "random_uniform"));
        Sequential model = new Sequential(layers).setSeed(23);
        model.compile(new SGD(0.1), Losses.get("mse"));
        model.build(2, 5);
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 7, 2, 5).subi(0.5).muli(4);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 7, 4);

        List<Variable> weights = new ArrayList<>();
        for (Layer layer : model.layers()) {
            weights.addAll(layer.weights());
        }
        List<Tensor> grads;
        double tapeLoss;
        try (GradientTape tape = new GradientTape()) {
            Tensor loss = model.loss().call(new Tensor(y), model.call(new Tensor(x), true));
            tapeLoss = loss.item();
            grads = tape.gradient(loss, weights);
        }
        INDArray expected = model.gradients().dup();
        for (int i = 0; i < weights.size(); i++) {
            ParameterLayout.Entry e = model.layout().entries().get(i);
            ParameterLayout.view(expected, e.offset(), e.length(), e.shape()).assign(grads.get(i).array());
        }

        assertTrue(TrainingStep.fusable(model.layers()), "built-in layers take the fused path");
        model.gradients().assign(Double.NaN);
        double fusedLoss = model.computeGradients(x, y);
        assertEquals(tapeLoss, fusedLoss, 1e-10 * Math.max(1, Math.abs(tapeLoss)), activation + " loss");
        assertClose(expected, model.gradients().dup(), 1e-10, activation + " flat gradients");
        assertTrue(expected.norm2Number().doubleValue() > 1e-3, "gradients are not trivially zero");
    }
}
