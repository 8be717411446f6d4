package io.orrery.ps.transport;

import io.aeron.driver.MediaDriver;
import org.agrona.IoUtil;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One embedded media driver per JVM, shared by all workers in it (an executor JVM runs many tasks, and a driver per
 * task would multiply the driver's threads and log buffers). Reference counted: the first {@link #acquire} launches
 * it; when the last {@link Lease#close()} releases it, it stops and its directory is removed, at once or, if a lease
 * asked for it, after a linger: a Spark executor runs one task per epoch, and relaunching the driver for every epoch
 * cost it about a second per stage. An acquire within the linger takes the running driver.
 */
public final class SharedDriver {

    private static MediaDriver driver;
    private static int references;
    private static boolean hookInstalled;
    /** The longest linger any lease of the current driver asked for. */
    private static Duration linger = Duration.ZERO;
    private static ScheduledFuture<?> pendingStop;
    private static ScheduledExecutorService stopper;

    private SharedDriver() {
    }

    /** A use of the shared driver; closing it releases the use (idempotent). */
    public static final class Lease implements AutoCloseable {
        private final String directory;
        private boolean closed;

        private Lease(String directory) {
            this.directory = directory;
        }

        /** The driver's directory, for {@code Aeron.Context.aeronDirectoryName}. */
        public String directory() {
            return directory;
        }

        @Override
        public void close() {
            synchronized (SharedDriver.class) {
                if (closed) {
                    return;
                }
                closed = true;
                release();
            }
        }
    }

    /**
     * Launches the driver on first use, with the same settings as {@link AeronEndpoint}'s embedded drivers; the driver
     * stops as soon as the last lease is closed.
     *
     * @param termLength term length used for the space check and the driver's default
     * @param logBuffers logs this user will map, for the space check
     */
    public static Lease acquire(int termLength, int logBuffers) {
        return acquire(termLength, logBuffers, Duration.ZERO);
    }

    /**
     * As {@link #acquire(int, int)}, but once the last lease is closed the driver keeps running for {@code keepFor}
     * (the longest any lease asked for) in case another user comes, as the next stage's task on an executor does.
     */
    public static synchronized Lease acquire(int termLength, int logBuffers, Duration keepFor) {
        if (keepFor.isNegative()) {
            throw new IllegalArgumentException("shared driver linger must not be negative, received " + keepFor);
        }
        if (pendingStop != null) {
            pendingStop.cancel(false);
            pendingStop = null;
        }
        if (driver == null) {
            Path base = AeronEndpoint.defaultBaseDirectory();
            AeronEndpoint.checkFreeSpace(base, termLength, logBuffers);
            driver = MediaDriver.launchEmbedded(AeronEndpoint.driverContext(
                    AeronEndpoint.newDirectory(base, "shared"), termLength));
            linger = Duration.ZERO;
        }
        if (!hookInstalled) {
            // Executors may exit without closing their tasks' clients: remove the directory anyway.
            Runtime.getRuntime().addShutdownHook(new Thread(SharedDriver::shutdown, "orrery-ps-shared-driver-cleanup"));
            hookInstalled = true;
        }
        if (keepFor.compareTo(linger) > 0) {
            linger = keepFor;
        }
        references++;
        return new Lease(driver.aeronDirectoryName());
    }

    /** Number of live leases (for tests and diagnostics). */
    public static synchronized int references() {
        return references;
    }

    /** Whether a driver runs now (with leases, or lingering without any). */
    public static synchronized boolean running() {
        return driver != null;
    }

    private static synchronized void shutdown() {
        if (pendingStop != null) {
            pendingStop.cancel(false);
            pendingStop = null;
        }
        references = 0;
        stop();
    }

    private static void release() {
        references--;
        if (references > 0 || driver == null) {
            return;
        }
        if (linger.isZero()) {
            stop();
            return;
        }
        if (stopper == null) {
            stopper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "orrery-ps-shared-driver-linger");
                t.setDaemon(true);
                return t;
            });
        }
        pendingStop = stopper.schedule(SharedDriver::stopIfUnused, linger.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static synchronized void stopIfUnused() {
        pendingStop = null;
        if (references == 0) {
            stop();
        }
    }

    private static void stop() {
        if (driver == null) {
            return;
        }
        String dir = driver.aeronDirectoryName();
        driver.close();
        DriverDemand.forget(dir);
        IoUtil.delete(new File(dir), true);
        driver = null;
    }
}
