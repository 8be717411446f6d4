package io.orrery.spark;

import io.orrery.ps.transport.SharedDriver;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver's warm-up runs beside the split and is over, its throwaway server closed, once finish returns. */
class DriverWarmupTest {

    @Test
    void finishStopsTheWarmupAndReleasesTheSharedDriver() throws Exception {
        int leasesBefore = SharedDriver.references();
        DriverWarmup warmup = DriverWarmup.begin(new SequentialModel(MnistSubset.mlp(1)));
        Thread.sleep(300); // a split's worth of time, shortened
        warmup.finish();
        assertTrue(warmup.finished(), "the warm-up's thread ended");
        assertEquals(leasesBefore, SharedDriver.references(), "its throwaway server released the shared driver");
    }
}
