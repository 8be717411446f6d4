package io.orrery.core.optimizers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Small float64 vectors and gradients for hand-checked optimizer steps. */
final class OptimizerTestSupport {

    static final double TOLERANCE = 1e-12;

    /** Initial weights: mixed signs and magnitudes. */
    static final double[] W0 = {0.5, -1.25, 2.0, 0.0, -0.3};

    /** One gradient per step; step 3 flips signs so momentum and averages are exercised. */
    static final double[][] GRADS = {
            {0.1, -0.2, 0.3, 1e-4, -2.0},
            {0.05, 0.4, -0.1, 0.0, -1.5},
            {-0.2, 0.1, 0.25, 3e-3, 0.7},
    };

    private OptimizerTestSupport() {
    }

    static INDArray vector(double... values) {
        return Nd4j.createFromArray(values.clone());
    }

    /** Runs {@code steps} steps of {@code optimizer} on float64 copies of W0 and GRADS. */
    static double[] run(Optimizer optimizer, int steps) {
        INDArray w = vector(W0);
        OptimizerState state = optimizer.newState(w.length(), DataType.DOUBLE);
        for (int t = 0; t < steps; t++) {
            optimizer.apply(w, vector(GRADS[t]), state);
        }
        return w.toDoubleVector();
    }

    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE, what + ": element " + i);
        }
    }
}
