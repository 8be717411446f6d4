package io.orrery.ps;

import io.orrery.core.optimizers.RMSprop;
import io.orrery.ps.transport.SharedDriver;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The throwaway warm-up job really exchanges (its server applies the optimizer) and leaves nothing behind. */
class ExchangeWarmupTest {

    @Test
    void stepsGoThroughARealServerOverTheSharedDriverAndReleaseIt() {
        int n = 20_000;
        INDArray gradient = Nd4j.ones(DataType.FLOAT, n).muli(1e-3);
        int leasesBefore = SharedDriver.references();
        try (ExchangeWarmup warm = ExchangeWarmup.start(n, RMSprop.builder().build())) {
            for (int i = 0; i < 3; i++) {
                warm.step(gradient);
            }
            // RMSprop moved every parameter from zero against the (positive) gradient.
            float[] p = warm.parameters().toFloatVector();
            for (int i = 0; i < n; i += 997) {
                assertTrue(p[i] < 0, "parameter " + i + " = " + p[i]);
            }
        }
        assertEquals(leasesBefore, SharedDriver.references(), "the warm-up's leases on the shared driver are released");
    }
}
