package io.orrery.spark.exchange;

import io.orrery.ps.transport.AeronEndpoint;

/**
 * One embedded Aeron media driver per executor JVM, shared by all its tasks' parameter-server clients (DESIGN.md:
 * "each executor JVM starts one embedded media driver, shared by its tasks"). Started on first use, closed (and its
 * directory removed) when the JVM exits.
 */
final class ExecutorMediaDriver {

    private static final int TERM_LENGTH = 4 << 20;
    /** Publication logs and images the shared driver is sized for: a few tasks, each with a few shards. */
    private static final int LOG_BUFFERS = 64;

    private static AeronEndpoint endpoint;

    private ExecutorMediaDriver() {
    }

    /** The shared driver's directory, starting the driver if needed. */
    static synchronized String directory() {
        if (endpoint == null) {
            AeronEndpoint started = AeronEndpoint.start("executor", null, TERM_LENGTH, LOG_BUFFERS);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "orrery-executor-media-driver-close"));
            endpoint = started;
        }
        return endpoint.directory();
    }
}
