package io.orrery.ps.server;

import io.orrery.ps.transport.DriverDemand;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A shard agent's idle strategy for SYNC training, where steps are periodic: after the shard publishes a version,
 * the workers compute for some milliseconds before the next gradients arrive. While they compute, the agent parks
 * in long naps (a wake-up takes CPU from the workers' BLAS threads on a small machine); from three quarters of the
 * usual gap on it only yields, so that it sees the first chunk within microseconds instead of up to a nap later.
 * Without an expectation (before the first steps, in ASYNC, or when the gradients are late) it spins and yields
 * while messages flow, then backs off to naps of up to 1 ms.
 *
 * <p>Why naps of 1 ms: measured on 2 cores with the workers in the same JVM (docs/benchmarks.md), naps of at most
 * 50 us made the workers' compute slower, a median of 2.6 s against 2.2 s per epoch over 3 runs each, with the same
 * exchange time. The embedded media drivers nap as long ({@code AeronEndpoint.driverContext}).
 */
final class ArrivalIdleStrategy implements IdleStrategy {

    private static final long NONE = Long.MIN_VALUE;
    private static final long MAX_NAP_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Stop napping this long before the expected arrival, whatever the estimate says. */
    private static final long GUARD_NS = TimeUnit.MICROSECONDS.toNanos(200);

    private final IdleStrategy backoff = new BackoffIdleStrategy(20, 50, TimeUnit.MICROSECONDS.toNanos(1), MAX_NAP_NS);
    private long lastPublishNs = NONE;
    private long gapNs;
    private long dueNs = NONE;
    private long lateNs = NONE;
    /**
     * Raised while the agent only yields for due gradients over UDP: the server's media driver, which reads them from
     * the socket, then does not nap either (over IPC no driver thread carries them).
     */
    private final DriverDemand.Flag due;

    /** @param due the shard's demand on the server's driver ({@link DriverDemand.Flag#NONE} over IPC) */
    ArrivalIdleStrategy(DriverDemand.Flag due) {
        this.due = due;
    }

    /** The agent published a new version: the next gradients are expected one usual gap from now. */
    void published(long nowNs) {
        lastPublishNs = nowNs;
        if (gapNs > 0) {
            dueNs = nowNs + gapNs * 3 / 4;
            lateNs = nowNs + gapNs * 2;
        }
    }

    /** The first chunk of a step arrived: learn the gap (moving average) and stop expecting until the next publish. */
    void arrived(long nowNs) {
        if (lastPublishNs != NONE) {
            long gap = nowNs - lastPublishNs;
            gapNs = gapNs == 0 ? gap : (gapNs * 7 + gap) / 8;
            lastPublishNs = NONE;
        }
        dueNs = NONE;
        due.lower();
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
        } else {
            idle();
        }
    }

    @Override
    public void idle() {
        long now = System.nanoTime();
        switch (decide(now)) {
            case NAP -> LockSupport.parkNanos(Math.min(dueNs - now - GUARD_NS, MAX_NAP_NS));
            case YIELD -> {
                due.raise();
                Thread.yield();
            }
            default -> {
                due.lower();
                backoff.idle();
            }
        }
    }

    enum Action { NAP, YIELD, BACK_OFF }

    /** What an idle call at {@code nowNs} does (separate from the waiting itself, so that tests can check it). */
    Action decide(long nowNs) {
        if (dueNs == NONE) {
            return Action.BACK_OFF;
        }
        if (dueNs - nowNs > GUARD_NS) {
            return Action.NAP;
        }
        if (nowNs - lateNs < 0) {
            return Action.YIELD;
        }
        dueNs = NONE;  // late: back off as usual until the chunks come
        return Action.BACK_OFF;
    }

    /** Lowers the demand this strategy raised (its agent stopped). */
    void release() {
        dueNs = NONE;
        due.lower();
    }

    @Override
    public void reset() {
        backoff.reset();
    }

    @Override
    public String alias() {
        return "arrival";
    }
}
