package io.orrery.core.optimizers;

import org.junit.jupiter.api.Test;

import static io.orrery.core.optimizers.OptimizerTestSupport.GRADS;
import static io.orrery.core.optimizers.OptimizerTestSupport.W0;
import static io.orrery.core.optimizers.OptimizerTestSupport.assertClose;
import static io.orrery.core.optimizers.OptimizerTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SGDTest {

    /** Keras's formula, element by element in doubles. */
    private static double[] reference(double lr, double momentum, boolean nesterov, int steps) {
        double[] w = W0.clone();
        double[] m = new double[w.length];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < w.length; i++) {
                double g = GRADS[t][i];
                if (momentum == 0) {
                    w[i] -= lr * g;
                } else {
                    m[i] = momentum * m[i] - lr * g;
                    w[i] += nesterov ? momentum * m[i] - lr * g : m[i];
                }
            }
        }
        return w;
    }

    @Test
    void defaultsAreKeras() {
        SGD sgd = new SGD();
        assertEquals(0.01, sgd.learningRate(0));
        assertEquals(0.0, sgd.momentum());
        assertFalse(sgd.nesterov());
        assertEquals(0, sgd.slotCount());
    }

    @Test
    void plainStepsMatchHandComputation() {
        // step 1, element 0 by hand: 0.5 - 0.01 * 0.1 = 0.499
        assertEquals(0.499, run(new SGD(), 1)[0], 1e-15);
        assertClose(reference(0.01, 0, false, 3), run(new SGD(), 3), "sgd");
    }

    @Test
    void momentumStepsMatchHandComputation() {
        assertClose(reference(0.1, 0.9, false, 3), run(new SGD(0.1, 0.9, false), 3), "sgd momentum");
    }

    @Test
    void nesterovStepsMatchHandComputation() {
        assertClose(reference(0.1, 0.9, true, 3), run(new SGD(0.1, 0.9, true), 3), "sgd nesterov");
    }
}
