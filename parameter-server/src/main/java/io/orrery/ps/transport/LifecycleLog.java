package io.orrery.ps.transport;

import org.slf4j.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lifecycle lines of a job (server started and stopped, worker joined and left) at INFO, except for jobs marked
 * quiet: the throwaway warm-up jobs ({@code io.orrery.ps.ExchangeWarmup}), whose lines would read like a second
 * real job in a driver's or executor's log. Theirs go to DEBUG.
 */
public final class LifecycleLog {

    private static final Set<Long> QUIET = ConcurrentHashMap.newKeySet();

    private LifecycleLog() {
    }

    /** Logs {@code jobId}'s lifecycle lines at DEBUG until {@link #forget}. */
    public static void quiet(long jobId) {
        QUIET.add(jobId);
    }

    public static void forget(long jobId) {
        QUIET.remove(jobId);
    }

    /** One lifecycle line of job {@code jobId}. */
    public static void info(Logger log, long jobId, String format, Object... args) {
        if (QUIET.contains(jobId)) {
            log.debug(format, args);
        } else {
            log.info(format, args);
        }
    }
}
