package io.orrery.ps.transport;

import org.agrona.ErrorHandler;
import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An agent's error handler whose log cannot be flooded: the first {@link #LOGGED_IN_FULL} errors are logged with
 * their stack trace, then one line per {@link #LOG_EVERY} with the count. An error the agent throws on every duty
 * cycle (a message that makes a listener throw, resent in a loop) would otherwise write a stack trace per
 * message and fill the disk. Every error is counted.
 */
public final class ThrottledErrorLog implements ErrorHandler {

    static final int LOGGED_IN_FULL = 20;
    static final int LOG_EVERY = 10_000;

    private final Logger log;
    private final String where;
    private final AtomicLong count = new AtomicLong();

    /** @param where the agent's role name, for the log line */
    public ThrottledErrorLog(Logger log, String where) {
        this.log = log;
        this.where = where;
    }

    @Override
    public void onError(Throwable throwable) {
        long n = count.incrementAndGet();
        if (n <= LOGGED_IN_FULL) {
            log.error("agent error: agent={} count={} error={}", where, n, throwable.toString(), throwable);
        } else if (n % LOG_EVERY == 0) {
            log.error("agent error: agent={} count={} error={} (stack traces after the first {} are not logged)",
                    where, n, throwable.toString(), LOGGED_IN_FULL);
        }
    }

    /** Errors seen so far. */
    public long count() {
        return count.get();
    }
}
