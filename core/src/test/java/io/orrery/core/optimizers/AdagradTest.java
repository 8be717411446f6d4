package io.orrery.core.optimizers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static io.orrery.core.optimizers.OptimizerTestSupport.GRADS;
import static io.orrery.core.optimizers.OptimizerTestSupport.W0;
import static io.orrery.core.optimizers.OptimizerTestSupport.assertClose;
import static io.orrery.core.optimizers.OptimizerTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AdagradTest {

    private static double[] reference(double lr, double initial, double eps, int steps) {
        double[] w = W0.clone();
        double[] acc = new double[w.length];
        java.util.Arrays.fill(acc, initial);
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < w.length; i++) {
                double g = GRADS[t][i];
                acc[i] += g * g;
                w[i] -= lr * g / Math.sqrt(acc[i] + eps);
            }
        }
        return w;
    }

    @Test
    void accumulatorStartsAtInitialValue() {
        double[] acc = new Adagrad().newState(4, DataType.DOUBLE).slots()[0].toDoubleVector();
        assertArrayEquals(new double[]{0.1, 0.1, 0.1, 0.1}, acc);
    }

    @Test
    void firstStepMatchesHandComputation() {
        assertEquals(0.5 - 0.001 * 0.1 / Math.sqrt(0.1 + 0.01 + 1e-7), run(new Adagrad(), 1)[0], 1e-15);
    }

    @Test
    void stepsMatchHandComputation() {
        assertClose(reference(0.001, 0.1, 1e-7, 3), run(new Adagrad(), 3), "adagrad");
        Adagrad custom = new Adagrad(new ConstantLearningRate(0.2), 0.0, 1e-2);
        assertClose(reference(0.2, 0.0, 1e-2, 3), run(custom, 3), "adagrad custom");
    }
}
