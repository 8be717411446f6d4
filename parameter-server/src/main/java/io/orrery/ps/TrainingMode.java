package io.orrery.ps;

import java.io.Serializable;
import java.util.Locale;

/**
 * How the workers' gradients are combined into new parameters: {@link #SYNC} (bulk synchronous, the default; the
 * same parameters as one worker on the global batch, up to summation order), {@link #ASYNC} (each worker's gradient
 * applied on arrival, Downpour-style) or {@link #bounded(int)} (ASYNC, but no worker more than s steps ahead of the
 * slowest). In ASYNC and BOUNDED mode a worker computes its next gradient while the server applies its last one, on
 * the newest parameters that have arrived; in SYNC mode every step waits for the next version.
 *
 * <p>The parameter server owns this type. Each mode has one server-side aggregator ({@code io.orrery.ps.server})
 * and one client-side wait policy ({@code io.orrery.ps.client}); the wire carries it as the codec layer's enum
 * ({@code io.orrery.ps.protocol.WireValues}). Serializable, so that a Spark job can ship it to its tasks.
 */
public sealed interface TrainingMode extends Serializable
        permits TrainingMode.Sync, TrainingMode.Async, TrainingMode.Bounded {

    /** Wait for every worker's gradient of step t, average, apply once, publish version t+1 (exact). */
    TrainingMode SYNC = new Sync();

    /** Apply each worker's gradient (scaled by 1/N) on arrival. */
    TrainingMode ASYNC = new Async();

    /**
     * ASYNC, but a worker may be at most {@code steps} steps ahead of the slowest one.
     *
     * @throws IllegalArgumentException when {@code steps < 1} (0 steps ahead is {@link #SYNC})
     */
    static TrainingMode bounded(int steps) {
        return new Bounded(steps);
    }

    /**
     * Parses {@code sync}, {@code async} or {@code bounded:<steps>} (any case), as on a command line.
     *
     * @throws IllegalArgumentException naming the accepted forms when {@code text} is none of them
     */
    static TrainingMode parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("sync")) {
            return SYNC;
        }
        if (t.equals("async")) {
            return ASYNC;
        }
        if (t.startsWith("bounded:")) {
            try {
                return bounded(Integer.parseInt(t.substring("bounded:".length())));
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("Invalid training mode: expected one of [sync, async, bounded:<steps>], "
                + "received \"" + text + "\"");
    }

    /**
     * Whether steps are lock-step: the parameters after step t are exactly version t+1, for every worker. A retried
     * stage can then skip the steps the server has already applied.
     */
    boolean isSync();

    /** The bulk synchronous mode; use {@link TrainingMode#SYNC}. */
    record Sync() implements TrainingMode {
        @Override
        public boolean isSync() {
            return true;
        }

        @Override
        public String toString() {
            return "SYNC";
        }
    }

    /** The asynchronous mode; use {@link TrainingMode#ASYNC}. */
    record Async() implements TrainingMode {
        @Override
        public boolean isSync() {
            return false;
        }

        @Override
        public String toString() {
            return "ASYNC";
        }
    }

    /**
     * Bounded staleness; use {@link TrainingMode#bounded(int)}.
     *
     * @param steps how many steps a worker may be ahead of the slowest one, at least 1
     */
    record Bounded(int steps) implements TrainingMode {
        public Bounded {
            if (steps < 1) {
                throw new IllegalArgumentException("Bounded staleness must be at least 1 step, found " + steps
                        + "; use TrainingMode.SYNC for 0");
            }
        }

        @Override
        public boolean isSync() {
            return false;
        }

        @Override
        public String toString() {
            return "BOUNDED(" + steps + ")";
        }
    }
}
