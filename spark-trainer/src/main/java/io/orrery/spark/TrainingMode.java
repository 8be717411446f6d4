package io.orrery.spark;

import java.io.Serializable;
import java.util.Locale;

/**
 * How workers' gradients are combined: {@link #SYNC} (bulk synchronous, the default, exact w.r.t. single-node
 * training on the global batch), {@link #ASYNC} (each gradient applied on arrival) or {@link #bounded(int)}
 * (a worker may run at most s steps ahead of the slowest). In ASYNC and BOUNDED mode a worker computes its next
 * gradient while the server applies its last one, on the newest parameters that have arrived (at most two
 * gradients per parameter version); in SYNC mode every step waits for the next version.
 */
public final class TrainingMode implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final TrainingMode SYNC = new TrainingMode("SYNC", 0);
    public static final TrainingMode ASYNC = new TrainingMode("ASYNC", Integer.MAX_VALUE);

    private final String name;
    private final int staleness;

    private TrainingMode(String name, int staleness) {
        this.name = name;
        this.staleness = staleness;
    }

    /** Bounded staleness: a worker may be at most {@code steps} steps ahead of the slowest one. */
    public static TrainingMode bounded(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("Bounded staleness must be at least 1 step, found " + steps
                    + "; use TrainingMode.SYNC for 0");
        }
        return new TrainingMode("BOUNDED(" + steps + ")", steps);
    }

    /** Parses {@code sync}, {@code async} or {@code bounded:<s>} (case-insensitive), as on a command line. */
    public static TrainingMode parse(String text) {
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

    public boolean isSync() {
        return staleness == 0;
    }

    /** 0 for SYNC, s for BOUNDED(s), Integer.MAX_VALUE for ASYNC. */
    public int staleness() {
        return staleness;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrainingMode && ((TrainingMode) other).staleness == staleness;
    }

    @Override
    public int hashCode() {
        return staleness;
    }

    @Override
    public String toString() {
        return name;
    }
}
