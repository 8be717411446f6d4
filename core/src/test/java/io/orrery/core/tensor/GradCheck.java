package io.orrery.core.tensor;

import io.orrery.core.autodiff.GradientTape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Compares tape gradients with central finite differences, in float64. */
public final class GradCheck {

    private GradCheck() {
    }

    /**
     * Checks d sum(f(inputs)) / d input_k for every input, element by element.
     */
    public static void check(Function<List<Tensor>, Tensor> f, INDArray... inputs) {
        check(f, 1e-6, 1e-5, inputs);
    }

    public static void check(Function<List<Tensor>, Tensor> f, double h, double tolerance, INDArray... inputs) {
        Variable[] vars = new Variable[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].dataType() != DataType.DOUBLE) {
                throw new IllegalArgumentException("gradient checks run in float64");
            }
            vars[i] = new Variable(inputs[i].dup(), "x" + i, true);
        }
        List<Tensor> grads;
        try (GradientTape tape = new GradientTape()) {
            Tensor y = Ops.sum(f.apply(List.of(vars)));
            grads = tape.gradient(y, List.of(vars));
        }
        for (int k = 0; k < vars.length; k++) {
            Tensor g = grads.get(k);
            assertNotNull(g, "no gradient for input " + k);
            INDArray flat = vars[k].array().reshape(vars[k].array().length());
            INDArray gFlat = g.array().dup('c').reshape(g.array().length());
            for (long i = 0; i < flat.length(); i++) {
                double orig = flat.getDouble(i);
                flat.putScalar(i, orig + h);
                double plus = Ops.sum(f.apply(List.of(vars))).item();
                flat.putScalar(i, orig - h);
                double minus = Ops.sum(f.apply(List.of(vars))).item();
                flat.putScalar(i, orig);
                double numeric = (plus - minus) / (2 * h);
                double analytic = gFlat.getDouble(i);
                assertEquals(numeric, analytic, tolerance * Math.max(1.0, Math.abs(numeric)),
                        "d/d input" + k + "[" + i + "]");
            }
        }
    }
}
