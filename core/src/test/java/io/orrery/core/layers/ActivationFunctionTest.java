package io.orrery.core.layers;

import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each activation's in-place form and derivative equal its differentiable form and the tape's gradient. */
class ActivationFunctionTest {

    @Test
    void inPlaceFormsAndDerivativesEqualTheTape() {
        Nd4j.getRandom().setSeed(3);
        INDArray z = Nd4j.rand(DataType.DOUBLE, 5, 4).subi(0.5).muli(8);
        z.putScalar(0, 0, 800.0);   // far out, where a careless form overflows
        z.putScalar(0, 1, -800.0);
        INDArray upstream = Nd4j.rand(DataType.DOUBLE, 5, 4);
        for (ActivationFunction f : ActivationFunction.values()) {
            Variable x = new Variable(z.dup(), "x", true);
            Tensor y;
            Tensor g;
            try (GradientTape tape = new GradientTape()) {
                y = f.apply(x);
                g = tape.gradient(io.orrery.core.tensor.Ops.sum(io.orrery.core.tensor.Ops.mul(y, Tensor.of(upstream))), x);
            }
            INDArray a = z.dup();
            f.applyInPlace(a);
            assertTrue(a.equalsWithEps(y.array(), 1e-9), f + " forward: " + a + " vs " + y.array());
            INDArray grad = upstream.dup();
            f.backwardInPlace(z, a, grad);
            INDArray expected = g == null ? upstream : g.array();
            assertTrue(grad.equalsWithEps(expected, 1e-9), f + " derivative: " + grad + " vs " + expected);
            assertTrue(Double.isFinite(grad.sumNumber().doubleValue()), f + " gradient is finite");
        }
    }

    @Test
    void kerasNamesWorkInDenseAndActivationAndSurviveTheirConfig() {
        for (String name : new String[]{"softplus", "elu", "selu", "gelu", "swish", "silu", "leaky_relu"}) {
            Dense dense = new Dense(64, name);
            assertEquals(name, dense.getConfig().get("activation"));
            assertEquals(name, Activation.fromConfig(Map.of("activation", name, "name", "a")).getConfig().get("activation"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dense(4, "gelu2"));
        assertTrue(e.getMessage().contains("gelu") && e.getMessage().contains("\"gelu2\""), e.getMessage());
    }
}
