package io.orrery.ps.transport;

import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriverDemandTest {

    @Test
    void aFlagCountsOnceHoweverOftenItIsRaisedOrLowered() {
        int before = DriverDemand.raised();
        DriverDemand.Flag a = new DriverDemand.Flag();
        DriverDemand.Flag b = new DriverDemand.Flag();
        a.raise();
        a.raise();
        b.raise();
        assertEquals(before + 2, DriverDemand.raised());
        a.lower();
        a.lower();
        assertEquals(before + 1, DriverDemand.raised());
        b.lower();
        assertEquals(before, DriverDemand.raised());
    }

    @Test
    void theDriversIdleStrategyNapsOnlyWhileNobodyWaits() {
        long napNs = TimeUnit.MILLISECONDS.toNanos(5);
        IdleStrategy idle = DriverDemand.idleStrategy(napNs);
        DriverDemand.Flag waiting = new DriverDemand.Flag();
        waiting.raise();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                idle.idle(0);
            }
            // 100 naps of 5 ms would take 500 ms; yields take microseconds each
            assertTrue(System.nanoTime() - start < 100 * napNs / 2, "napped while a worker waited");
        } finally {
            waiting.lower();
        }
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            idle.idle(0);
        }
        assertTrue(System.nanoTime() - start > 20 * napNs, "backed off to naps once nobody waits");
    }
}
