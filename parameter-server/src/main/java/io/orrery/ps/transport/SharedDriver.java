package io.orrery.ps.transport;

import io.aeron.driver.MediaDriver;
import org.agrona.IoUtil;

import java.io.File;
import java.nio.file.Path;

/**
 * One embedded media driver per JVM, shared by all workers in it (an executor JVM runs many tasks, and a driver per
 * task would multiply the driver's threads and log buffers). Reference counted: the first {@link #acquire} launches
 * it, the last {@link Lease#close()} stops it and removes its directory.
 */
public final class SharedDriver {

    private static MediaDriver driver;
    private static int references;
    private static boolean hookInstalled;

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
     * Launches the driver on first use, with the same settings as {@link AeronEndpoint}'s embedded drivers.
     *
     * @param termLength term length used for the space check and the driver's default
     * @param logBuffers logs this user will map, for the space check
     */
    public static synchronized Lease acquire(int termLength, int logBuffers) {
        if (driver == null) {
            Path base = AeronEndpoint.defaultBaseDirectory();
            AeronEndpoint.checkFreeSpace(base, termLength, logBuffers);
            driver = MediaDriver.launchEmbedded(AeronEndpoint.driverContext(
                    AeronEndpoint.newDirectory(base, "shared"), termLength));
        }
        if (!hookInstalled) {
            // Executors may exit without closing their tasks' clients: remove the directory anyway.
            Runtime.getRuntime().addShutdownHook(new Thread(SharedDriver::shutdown, "orrery-ps-shared-driver-cleanup"));
            hookInstalled = true;
        }
        references++;
        return new Lease(driver.aeronDirectoryName());
    }

    /** Number of live leases (for tests and diagnostics). */
    public static synchronized int references() {
        return references;
    }

    private static synchronized void shutdown() {
        if (driver != null) {
            references = 1;
            release();
        }
    }

    private static void release() {
        references--;
        if (references == 0 && driver != null) {
            String dir = driver.aeronDirectoryName();
            driver.close();
            IoUtil.delete(new File(dir), true);
            driver = null;
        }
    }
}
