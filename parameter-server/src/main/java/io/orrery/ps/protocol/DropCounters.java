package io.orrery.ps.protocol;

import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts drops by reason (readable from any thread) and logs them: the first {@link #LOGGED_PER_REASON} of each
 * reason in full, then one line per {@link #LOG_EVERY} so a flood of bad messages cannot flood the log.
 */
public final class DropCounters {

    static final int LOGGED_PER_REASON = 20;
    static final int LOG_EVERY = 10_000;

    private final AtomicLongArray counts = new AtomicLongArray(DropReason.values().length);
    private final Logger log;
    private final String where;

    public DropCounters(Logger log, String where) {
        this.log = log;
        this.where = where;
    }

    /** Counts a drop; {@code detail} is a {@code key=value} description of the message. */
    public void drop(DropReason reason, String detail) {
        long n = counts.incrementAndGet(reason.ordinal());
        if (n <= LOGGED_PER_REASON || n % LOG_EVERY == 0) {
            log.warn("dropped message: where={} reason={} count={} {}", where, reason, n, detail);
        }
    }

    public long count(DropReason reason) {
        return counts.get(reason.ordinal());
    }

    public long total() {
        long sum = 0;
        for (int i = 0; i < counts.length(); i++) {
            sum += counts.get(i);
        }
        return sum;
    }

    /** Non-zero counts as {@code REASON=n ...}, or {@code none}. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (DropReason r : DropReason.values()) {
            long n = counts.get(r.ordinal());
            if (n != 0) {
                sb.append(sb.length() == 0 ? "" : " ").append(r).append('=').append(n);
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
