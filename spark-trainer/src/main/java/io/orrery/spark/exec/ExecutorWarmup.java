package io.orrery.spark.exec;

import io.orrery.ps.client.ParameterServerClient;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What an executor JVM does once, in the background, while the data split's tasks run on it, so that the first
 * training task does not pay for it: loading ND4J's native backend and, on a cluster, launching the JVM's shared
 * media driver (kept for a linger, taken by the first task's client). On a fresh executor this was most of the
 * first epoch's join (2-5 s on the 2-core machine of docs/benchmarks.md).
 */
public final class ExecutorWarmup implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorWarmup.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    /** Nothing to warm: in local mode the tasks share the driver's JVM, which has both already. */
    public static final ExecutorWarmup NONE = new ExecutorWarmup(false, false, Duration.ZERO);

    private final boolean backend;
    private final boolean mediaDriver;
    private final Duration driverLinger;

    private ExecutorWarmup(boolean backend, boolean mediaDriver, Duration driverLinger) {
        this.backend = backend;
        this.mediaDriver = mediaDriver;
        this.driverLinger = driverLinger;
    }

    /**
     * @param mediaDriver whether the tasks will reach a server over UDP through the JVM's shared media driver
     * @param driverLinger how long the launched driver waits for its first user
     */
    public static ExecutorWarmup of(boolean mediaDriver, Duration driverLinger) {
        return new ExecutorWarmup(true, mediaDriver, driverLinger);
    }

    /** Starts the warm-up on this JVM unless it has started before; returns at once. */
    public void begin() {
        if (!(backend || mediaDriver) || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(this::run, "orrery-executor-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long started = System.nanoTime();
        try {
            if (backend) {
                Nd4j.zeros(1);
            }
            if (mediaDriver) {
                ParameterServerClient.prelaunchSharedDriver(driverLinger);
            }
            LOG.debug("executor warm-up done in {} ms", (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException | LinkageError e) {
            // The first task does the same work itself and reports any failure with its context.
            LOG.debug("executor warm-up failed, the first task will do it: {}", e.toString());
        }
    }
}
