package io.orrery.core.optimizers;

import org.junit.jupiter.api.Test;

import static io.orrery.core.optimizers.OptimizerTestSupport.GRADS;
import static io.orrery.core.optimizers.OptimizerTestSupport.W0;
import static io.orrery.core.optimizers.OptimizerTestSupport.assertClose;
import static io.orrery.core.optimizers.OptimizerTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RMSpropTest {

    private static double[] reference(double lr, double rho, double momentum, double eps, boolean centered, int steps) {
        double[] w = W0.clone();
        double[] v = new double[w.length];
        double[] a = new double[w.length];
        double[] mom = new double[w.length];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < w.length; i++) {
                double g = GRADS[t][i];
                v[i] = rho * v[i] + (1 - rho) * g * g;
                double denominator;
                if (centered) {
                    a[i] = rho * a[i] + (1 - rho) * g;
                    denominator = v[i] - a[i] * a[i] + eps;
                } else {
                    denominator = v[i] + eps;
                }
                double increment = lr * g / Math.sqrt(denominator);
                if (momentum > 0) {
                    mom[i] = momentum * mom[i] + increment;
                    w[i] -= mom[i];
                } else {
                    w[i] -= increment;
                }
            }
        }
        return w;
    }

    @Test
    void firstStepPutsEpsilonInsideTheSquareRoot() {
        // v = 0.1 * 0.1^2 = 0.001; w = 0.5 - 0.001 * 0.1 / sqrt(0.001 + 1e-7)
        double expected = 0.5 - 0.001 * 0.1 / Math.sqrt(0.001 + 1e-7);
        assertEquals(expected, run(new RMSprop(), 1)[0], 1e-15);
        // the tiny gradient shows the difference from sqrt(v) + eps most clearly
        double v = 0.1 * 1e-8;
        assertEquals(0.0 - 0.001 * 1e-4 / Math.sqrt(v + 1e-7), run(new RMSprop(), 1)[3], 1e-15);
    }

    @Test
    void plainStepsMatchHandComputation() {
        assertClose(reference(0.001, 0.9, 0, 1e-7, false, 3), run(new RMSprop(), 3), "rmsprop");
    }

    @Test
    void momentumStepsMatchHandComputation() {
        RMSprop optimizer = RMSprop.builder().learningRate(0.01).momentum(0.8).build();
        assertEquals(2, optimizer.slotCount());
        assertClose(reference(0.01, 0.9, 0.8, 1e-7, false, 3), run(optimizer, 3), "rmsprop momentum");
    }

    @Test
    void centeredStepsMatchHandComputation() {
        RMSprop optimizer = RMSprop.builder().learningRate(0.01).rho(0.8).centered(true).build();
        assertClose(reference(0.01, 0.8, 0, 1e-7, true, 3), run(optimizer, 3), "rmsprop centered");
    }

    @Test
    void centeredWithMomentumStepsMatchHandComputation() {
        RMSprop optimizer = RMSprop.builder().learningRate(0.01).momentum(0.5).centered(true).epsilon(1e-3).build();
        assertEquals(3, optimizer.slotCount());
        assertClose(reference(0.01, 0.9, 0.5, 1e-3, true, 3), run(optimizer, 3), "rmsprop centered momentum");
    }
}
