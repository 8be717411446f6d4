package io.orrery.ps.transport;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether someone is waiting on the network through an embedded media driver right now, so that the driver knows
 * when a nap costs latency. A driver naps up to 1 ms when idle, because on a small machine a driver that only
 * yields takes CPU from the task's own compute (docs/benchmarks.md). But a nap taken while a worker waits for its
 * parameters delays them by up to a nap at each hop (the worker's driver reading the broadcast from its socket, the
 * server's driver reading gradients from its socket). So a worker raises its driver's demand from pushing a
 * gradient until it holds the next parameters, a server shard while a step's gradients are due, and the driver
 * ({@link #idleStrategy}) only yields while any demand on it is raised. One per embedded driver, found by its
 * directory ({@link #of}); {@code -Dorrery.udp.driverDemand=false} turns it off.
 */
public final class DriverDemand {

    static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("orrery.udp.driverDemand", "true"));
    private static final Map<String, DriverDemand> BY_DIRECTORY = new ConcurrentHashMap<>();
    /** The demand on a driver not embedded here (external): nobody raises it, nothing reads it. */
    private static final DriverDemand NOBODY = new DriverDemand();

    private final AtomicInteger raised = new AtomicInteger();

    private DriverDemand() {
    }

    /** A new demand for the embedded driver in {@code directory}, found by {@link #of} until {@link #forget}. */
    static DriverDemand register(String directory) {
        DriverDemand demand = new DriverDemand();
        BY_DIRECTORY.put(directory, demand);
        return demand;
    }

    /** The driver in {@code directory} has stopped. */
    static void forget(String directory) {
        BY_DIRECTORY.remove(directory);
    }

    /** The demand on the driver in {@code directory}: one that nothing reads when the driver is not embedded here. */
    public static DriverDemand of(String directory) {
        return BY_DIRECTORY.getOrDefault(directory, NOBODY);
    }

    /** A new party's flag on this driver. */
    public Flag flag() {
        return this == NOBODY || !ENABLED ? Flag.NONE : new Flag(raised);
    }

    /** How many parties wait through this driver now. */
    public int raised() {
        return raised.get();
    }

    /** One party's demand: raising or lowering it twice in a row counts once, from any thread. */
    public static final class Flag {
        /** A flag that is never raised. */
        public static final Flag NONE = new Flag(null);

        private final AtomicBoolean up = new AtomicBoolean();
        private final AtomicInteger counter;

        private Flag(AtomicInteger counter) {
            this.counter = counter;
        }

        public void raise() {
            if (counter != null && !up.get() && up.compareAndSet(false, true)) {
                counter.incrementAndGet();
            }
        }

        public void lower() {
            if (counter != null && up.get() && up.compareAndSet(true, false)) {
                counter.decrementAndGet();
            }
        }
    }

    /**
     * The driver's idle strategy: yield (never nap) while a demand on it is raised, otherwise spin, yield, then nap
     * up to {@code maxNapNs}.
     */
    IdleStrategy idleStrategy(long maxNapNs) {
        return new DemandIdleStrategy(new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1), maxNapNs));
    }

    final class DemandIdleStrategy implements IdleStrategy {

        private final IdleStrategy backoff;

        private DemandIdleStrategy(IdleStrategy backoff) {
            this.backoff = backoff;
        }

        /** Whether an idle call now may nap (nobody waits through this driver). */
        boolean mayNap() {
            return raised.get() == 0;
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
            if (mayNap()) {
                backoff.idle();
            } else {
                Thread.yield();
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
