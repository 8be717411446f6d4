package io.orrery.ps.transport;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriverDemandTest {

    @Test
    void aFlagCountsOnceOnItsOwnDriverHoweverOftenItIsRaisedOrLowered() {
        DriverDemand one = DriverDemand.register("/tmp/driver-demand-test-one");
        DriverDemand other = DriverDemand.register("/tmp/driver-demand-test-other");
        try {
            assertSame(one, DriverDemand.of("/tmp/driver-demand-test-one"));
            DriverDemand.Flag a = one.flag();
            DriverDemand.Flag b = one.flag();
            a.raise();
            a.raise();
            b.raise();
            assertEquals(2, one.raised());
            assertEquals(0, other.raised(), "another driver in the JVM keeps napping");
            a.lower();
            a.lower();
            assertEquals(1, one.raised());
            b.lower();
            assertEquals(0, one.raised());
        } finally {
            DriverDemand.forget("/tmp/driver-demand-test-one");
            DriverDemand.forget("/tmp/driver-demand-test-other");
        }
    }

    @Test
    void theDriversIdleStrategyNapsOnlyWhileNobodyWaitsThroughIt() {
        DriverDemand demand = DriverDemand.register("/tmp/driver-demand-test-idle");
        try {
            DriverDemand.DemandIdleStrategy idle = (DriverDemand.DemandIdleStrategy)
                    demand.idleStrategy(TimeUnit.MILLISECONDS.toNanos(1));
            DriverDemand.Flag waiting = demand.flag();
            assertTrue(idle.mayNap());
            waiting.raise();
            assertFalse(idle.mayNap(), "a worker waits: yield, do not nap");
            waiting.lower();
            assertTrue(idle.mayNap());
        } finally {
            DriverDemand.forget("/tmp/driver-demand-test-idle");
        }
    }

    @Test
    void aDriverNotEmbeddedHereIsNeverAskedToWait() {
        DriverDemand.Flag flag = DriverDemand.of("/tmp/an-external-driver").flag();
        flag.raise();
        assertSame(DriverDemand.Flag.NONE, flag);
        assertEquals(0, DriverDemand.of("/tmp/an-external-driver").raised());
    }
}
