package io.orrery.core.optimizers;

import org.junit.jupiter.api.Test;

import static io.orrery.core.optimizers.OptimizerTestSupport.GRADS;
import static io.orrery.core.optimizers.OptimizerTestSupport.W0;
import static io.orrery.core.optimizers.OptimizerTestSupport.assertClose;
import static io.orrery.core.optimizers.OptimizerTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AdamTest {

    private static double[] reference(double lr, double b1, double b2, double eps, boolean amsgrad, int steps) {
        double[] w = W0.clone();
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        double[] vHat = new double[w.length];
        for (int t = 0; t < steps; t++) {
            double step = t + 1;
            double alpha = lr * Math.sqrt(1 - Math.pow(b2, step)) / (1 - Math.pow(b1, step));
            for (int i = 0; i < w.length; i++) {
                double g = GRADS[t][i];
                m[i] += (g - m[i]) * (1 - b1);
                v[i] += (g * g - v[i]) * (1 - b2);
                double vUsed = v[i];
                if (amsgrad) {
                    vHat[i] = Math.max(vHat[i], v[i]);
                    vUsed = vHat[i];
                }
                w[i] -= alpha * m[i] / (Math.sqrt(vUsed) + eps);
            }
        }
        return w;
    }

    @Test
    void firstStepIsAboutLearningRateTimesSignOfGradient() {
        // step 1: m = 0.1 g, v = 0.001 g^2, alpha = lr sqrt(0.001) / 0.1 => w -= lr * g / (|g| + eps / sqrt(0.001))
        double expected = 0.5 - 0.001 * Math.sqrt(0.001) / 0.1 * (0.1 * 0.1) / (Math.sqrt(0.001 * 0.01) + 1e-7);
        assertEquals(expected, run(new Adam(), 1)[0], 1e-15);
    }

    @Test
    void stepsMatchHandComputation() {
        assertClose(reference(0.001, 0.9, 0.999, 1e-7, false, 3), run(new Adam(), 3), "adam");
        Adam custom = Adam.builder().learningRate(0.05).beta1(0.5).beta2(0.75).epsilon(1e-3).build();
        assertClose(reference(0.05, 0.5, 0.75, 1e-3, false, 3), run(custom, 3), "adam custom");
    }

    @Test
    void amsgradStepsMatchHandComputation() {
        // beta_2 = 0.5 lets v fall between steps, so the running maximum differs from v
        Adam amsgrad = Adam.builder().learningRate(0.01).beta2(0.5).amsgrad(true).build();
        assertEquals(3, amsgrad.slotCount());
        assertClose(reference(0.01, 0.9, 0.5, 1e-7, true, 3), run(amsgrad, 3), "adam amsgrad");
    }
}
