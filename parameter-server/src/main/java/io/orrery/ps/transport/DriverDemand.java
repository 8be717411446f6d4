package io.orrery.ps.transport;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether someone in this JVM is waiting on the network right now, so that the embedded media drivers here know
 * when a nap costs latency. A driver naps up to 1 ms when idle, because on a small machine a driver that only
 * yields takes CPU from the task's own compute (docs/benchmarks.md). But a nap taken while a worker waits for its
 * parameters delays them by up to a nap at each hop (the worker's driver reading the broadcast from its socket, the
 * server's driver reading gradients from its socket). So a worker raises the demand from pushing a gradient until
 * it holds the next parameters, the server while a step's gradients are due, and the drivers ({@link #idleStrategy})
 * only yield while any demand is raised. {@code -Dorrery.udp.driverDemand=false} turns it off.
 */
public final class DriverDemand {

    static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("orrery.udp.driverDemand", "true"));
    private static final AtomicInteger RAISED = new AtomicInteger();

    /** One party's demand: raising or lowering it twice in a row counts once, from any thread. */
    public static final class Flag {
        /** A flag that is never raised. */
        public static final Flag NONE = new Flag(false);

        private final AtomicBoolean raised = new AtomicBoolean();
        private final boolean enabled;

        public Flag() {
            this(ENABLED);
        }

        private Flag(boolean enabled) {
            this.enabled = enabled;
        }

        public void raise() {
            if (enabled && !raised.get() && raised.compareAndSet(false, true)) {
                RAISED.incrementAndGet();
            }
        }

        public void lower() {
            if (raised.get() && raised.compareAndSet(true, false)) {
                RAISED.decrementAndGet();
            }
        }
    }

    private DriverDemand() {
    }

    /** How many parties wait on the network now. */
    public static int raised() {
        return RAISED.get();
    }

    /**
     * The idle strategy of an embedded media driver: yield (never nap) while a demand is raised, otherwise spin,
     * yield, then nap up to {@code maxNapNs}.
     */
    static IdleStrategy idleStrategy(long maxNapNs) {
        return new DemandIdleStrategy(new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1), maxNapNs));
    }

    private static final class DemandIdleStrategy implements IdleStrategy {

        private final IdleStrategy backoff;

        DemandIdleStrategy(IdleStrategy backoff) {
            this.backoff = backoff;
        }

        @Override
        public void idle(int workCount) {
            if (workCount > 0) {
                backoff.reset();
            } else {
                idle();
            }
        }

        @Override
        public void idle() {
            if (RAISED.get() > 0) {
                Thread.yield();
            } else {
                backoff.idle();
            }
        }

        @Override
        public void reset() {
            backoff.reset();
        }

        @Override
        public String alias() {
            return "demand";
        }
    }
}
