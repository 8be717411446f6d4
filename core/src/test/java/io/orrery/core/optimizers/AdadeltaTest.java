package io.orrery.core.optimizers;

import org.junit.jupiter.api.Test;

import static io.orrery.core.optimizers.OptimizerTestSupport.GRADS;
import static io.orrery.core.optimizers.OptimizerTestSupport.W0;
import static io.orrery.core.optimizers.OptimizerTestSupport.assertClose;
import static io.orrery.core.optimizers.OptimizerTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AdadeltaTest {

    private static double[] reference(double lr, double rho, double eps, int steps) {
        double[] w = W0.clone();
        double[] accGrad = new double[w.length];
        double[] accDelta = new double[w.length];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < w.length; i++) {
                double g = GRADS[t][i];
                accGrad[i] = rho * accGrad[i] + (1 - rho) * g * g;
                double delta = -Math.sqrt(accDelta[i] + eps) * g / Math.sqrt(accGrad[i] + eps);
                accDelta[i] = rho * accDelta[i] + (1 - rho) * delta * delta;
                w[i] += lr * delta;
            }
        }
        return w;
    }

    @Test
    void firstStepMatchesHandComputation() {
        double delta = -Math.sqrt(1e-7) * 0.1 / Math.sqrt(0.05 * 0.01 + 1e-7);
        assertEquals(0.5 + 0.001 * delta, run(new Adadelta(), 1)[0], 1e-15);
    }

    @Test
    void stepsMatchHandComputation() {
        assertClose(reference(0.001, 0.95, 1e-7, 3), run(new Adadelta(), 3), "adadelta");
        Adadelta custom = new Adadelta(new ConstantLearningRate(1.0), 0.5, 1e-2);
        assertClose(reference(1.0, 0.5, 1e-2, 3), run(custom, 3), "adadelta custom");
    }
}
