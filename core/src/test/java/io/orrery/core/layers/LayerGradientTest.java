package io.orrery.core.layers;

import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.models.Sequential;
import io.orrery.core.tensor.Float64;
import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static io.orrery.core.layers.FiniteDifferences.assertClose;
import static io.orrery.core.layers.TapeGradientCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every built-in layer, in float64: the tape's gradients (weights and input) equal central finite differences, and
 * the fused path ({@link FusedLayer#forward}/{@link FusedLayer#backward}) computes the same output and gradients.
 * The objective is {@code sum(layer(x) * r)} with a fixed random {@code r}, so that a softmax (whose outputs always
 * sum to one) still has a non-zero gradient.
 */
@ExtendWith(Float64.class)
class LayerGradientTest {

    private static final double EXACT = 1e-12;

    @ParameterizedTest(name = "Dense(3, {0}, useBias={1})")
    @CsvSource({"linear,true", "linear,false", "relu,true", "relu,false", "sigmoid,true", "sigmoid,false",
            "tanh,true", "tanh,false", "softmax,true", "softmax,false"})
    void denseGradientsMatchFiniteDifferences(String activation, boolean useBias) {
        // random_uniform bias so that the bias matters for the check (zeros would hide a wrong sign)
        Dense dense = new Dense(3, activation, useBias, "glorot_uniform", "random_uniform");
        check(dense, random(1, 4, 5));
    }

    @ParameterizedTest(name = "Activation({0})")
    @CsvSource({"linear", "relu", "sigmoid", "tanh", "softmax"})
    void activationGradientsMatchFiniteDifferences(String activation) {
        check(new Activation(activation), random(2, 3, 6));
    }

    @Test
    void flattenGradientsMatchFiniteDifferences() {
        check(new Flatten(), random(3, 2, 3, 4));
    }

    @Test
    void reshapeGradientsMatchFiniteDifferences() {
        check(new Reshape(4, 3), random(4, 2, 12));
        check(new Reshape(-1, 2), random(5, 2, 3, 4));
    }

    @Test
    void dropoutWithRateZeroIsIdentityInTraining() {
        check(new Dropout(0.0, 7), random(6, 3, 4));
    }

    @Test
    void dropoutAtInferenceIsIdentity() {
        Dropout dropout = new Dropout(0.5, 7);
        INDArray x = random(7, 3, 4);
        new Sequential(List.of(dropout)).build(4);
        Variable in = new Variable(x.dup());
        INDArray r = random(8, 3, 4);
        Tensor grad;
        try (GradientTape tape = new GradientTape()) {
            Tensor out = dropout.apply(in, false);
            assertClose(x, out.array(), EXACT, "inference output");
            grad = tape.gradient(Ops.sum(Ops.mul(out, new Tensor(r))), in);
        }
        assertClose(r, grad.array(), EXACT, "inference input gradient");
        assertSame(x, dropout.forward(x, false), "fused inference passes the batch through");
        assertClose(r, dropout.backward(x, x, r.dup(), true), EXACT, "fused inference backward");
    }

    @Test
    void dropoutInTrainingScalesKeptUnitsAndGradientsAlike() {
        Dropout dropout = new Dropout(0.5, 11);
        new Sequential(List.of(dropout)).build(1000);
        INDArray x = Nd4j.ones(DataType.DOUBLE, 2, 1000);
        INDArray out = dropout.forward(x, true).dup();
        INDArray g = dropout.backward(x, out, Nd4j.ones(DataType.DOUBLE, 2, 1000), true);
        // each unit is either dropped (0) or kept and scaled by 1 / (1 - rate) = 2, and its gradient follows the same mask
        for (double v : out.reshape(2000).toDoubleVector()) {
            assertTrue(v == 0.0 || v == 2.0, "dropout output " + v);
        }
        assertClose(out, g, EXACT, "gradient follows the mask");
        double kept = out.sumNumber().doubleValue() / 2 / 2000;
        assertEquals(0.5, kept, 0.05, "fraction kept");
    }

    /**
     * Builds {@code layer} in a one-layer model (so its weights are views into a flat float64 buffer, as in training),
     * then compares tape gradients with finite differences, and the fused path with the tape.
     */
    static void check(Layer layer, INDArray x) {
        TapeGradientCheck.Checked c = TapeGradientCheck.check(layer, x, true, true);
        Sequential model = c.model();
        Tensor out = c.out();
        INDArray r = c.r();
        List<Variable> weights = c.weights();
        List<Tensor> grads = c.grads();
        Tensor inputGrad = c.inputGradient();

        // the fused path: same output, same weight gradients (written into the model's flat gradient buffer), same input gradient
        FusedLayer fused = (FusedLayer) layer;
        INDArray fusedOut = fused.forward(x.dup(), true);
        assertArrayEquals(out.shape(), fusedOut.shape(), layer.name() + " fused output shape");
        assertClose(out.array(), fusedOut, EXACT, layer.name() + " fused output");
        model.gradients().assign(Double.NaN);
        INDArray fusedInputGrad = fused.backward(x, fusedOut, r.dup('f'), true);
        for (int i = 0; i < weights.size(); i++) {
            INDArray view = model.layout().gradientView(i);
            assertClose(grads.get(i).array(), view, 1e-10, layer.name() + " fused d/d " + weights.get(i).name());
        }
        assertClose(inputGrad.array(), fusedInputGrad, 1e-10, layer.name() + " fused d/d input");
    }
}
