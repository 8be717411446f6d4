package io.orrery.ps.transport;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.AeronException;
import org.agrona.IoUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Aeron client, with its own embedded media driver unless an external driver directory is given.
 *
 * <p>Each embedded driver gets a fresh directory (several executors on one host never share one, which Aeron
 * refuses with "active driver detected"), on /dev/shm when it exists, else under {@code java.io.tmpdir}. Before
 * launch the free space there is checked against what the term buffers need. Driver and client timeouts are set
 * together: the driver refuses a publication unblock timeout that is not above the client liveness timeout.
 * {@link #close()} stops client and driver and deletes the directory; it is idempotent.
 */
public final class AeronEndpoint implements AutoCloseable {

    /** How long the driver waits for a silent client before it frees the client's resources. */
    public static final long CLIENT_LIVENESS_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /** Must exceed {@link #CLIENT_LIVENESS_TIMEOUT_NS} (the driver checks). */
    public static final long PUBLICATION_UNBLOCK_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(15);
    /** How long a client waits for the driver to answer. */
    public static final long DRIVER_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(10);
    /**
     * UDP socket buffers. All workers' streams arrive on the server's one ingress socket, each with up to a
     * receiver window (128 KiB) in flight; the Linux default of about 208 KiB overflows with two workers (measured:
     * "receive buffer errors" and a 10-20x slower step). The kernel caps this at net.core.rmem_max.
     */
    public static final int SOCKET_BUFFER_LENGTH = 2 << 20;
    /** Files other than term buffers: CnC, loss report, counters; generous. */
    private static final long FIXED_DIR_BYTES = 16L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(AeronEndpoint.class);

    private static final Pattern OWN_DIR = Pattern.compile("orrery-ps-[a-z]+-(\\d+)-[0-9a-f]+");
    private static final long STALE_AFTER_MS = 60_000;

    private final MediaDriver driver;
    private final Aeron aeron;
    private final String directory;
    private final FatalErrorRelay fatalErrors;
    private final Thread shutdownHook;
    private boolean closed;

    private AeronEndpoint(MediaDriver driver, Aeron aeron, String directory, FatalErrorRelay fatalErrors) {
        this.driver = driver;
        this.aeron = aeron;
        this.directory = directory;
        this.fatalErrors = fatalErrors;
        if (driver != null) {
            // A JVM that exits without close() (System.exit in an executor, SIGTERM) still removes its directory.
            this.shutdownHook = new Thread(this::close, "orrery-ps-driver-cleanup");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } else {
            this.shutdownHook = null;
        }
    }

    /**
     * Removes driver directories this code made for processes that no longer exist (killed before they could
     * clean up): only names of the form {@code orrery-ps-<role>-<pid>-<hex>}, only when that pid is not running,
     * the driver's CnC heartbeat is stale and the directory has not changed for a minute.
     */
    static void removeStaleDirectories(Path base) {
        File[] entries = base.toFile().listFiles();
        if (entries == null) {
            return;
        }
        long now = System.currentTimeMillis();
        for (File entry : entries) {
            Matcher m = OWN_DIR.matcher(entry.getName());
            if (!m.matches() || !entry.isDirectory() || now - entry.lastModified() < STALE_AFTER_MS) {
                continue;
            }
            long pid = Long.parseLong(m.group(1));
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            // A process in another PID namespace sharing this directory is invisible here: trust the driver's own
            // heartbeat in its CnC file too.
            if (driverActive(entry)) {
                continue;
            }
            LOG.info("removing stale Aeron directory of a process that is gone: dir={} pid={}", entry, pid);
            IoUtil.delete(entry, true);
        }
    }

    /**
     * Whether the directory's driver heartbeat is fresh. A CnC file its process never finished writing (killed while
     * starting) makes Aeron throw; its process is gone (checked before), so it is stale, not a reason to fail.
     */
    private static boolean driverActive(File directory) {
        try {
            return CommonContext.isDriverActive(directory, DRIVER_TIMEOUT_MS, message -> { });
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    /** A fresh directory name for an embedded driver: {@code orrery-ps-<role>-<pid>-<random>} under {@code base}. */
    static String newDirectory(Path base, String role) {
        return base.resolve("orrery-ps-" + role + "-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL)).toString();
    }

    /**
     * The settings of every embedded media driver here (the server's and an executor's shared one): one thread;
     * spin and yield while messages flow, then naps of up to 1 ms, as the server's agents
     * ({@code ArrivalIdleStrategy}), except while someone in the JVM waits on the network ({@link DriverDemand});
     * timeouts, term lengths and socket buffers as above.
     */
    static MediaDriver.Context driverContext(String dir, int termLength) {
        return new MediaDriver.Context()
                .aeronDirectoryName(dir)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(DriverDemand.register(dir).idleStrategy(TimeUnit.MILLISECONDS.toNanos(1)))
                .clientLivenessTimeoutNs(CLIENT_LIVENESS_TIMEOUT_NS)
                .publicationUnblockTimeoutNs(PUBLICATION_UNBLOCK_TIMEOUT_NS)
                .ipcTermBufferLength(termLength)
                .publicationTermBufferLength(termLength)
                // Within the kernel's caps, so that Aeron does not warn on its own: UdpSettings warns once, by name.
                .socketRcvbufLength(UdpSettings.cappedReceiveBuffer(SOCKET_BUFFER_LENGTH))
                .socketSndbufLength(UdpSettings.cappedSendBuffer(SOCKET_BUFFER_LENGTH))
                .warnIfDirectoryExists(false);
    }

    /**
     * Starts an embedded driver (when {@code externalDirectory} is null) and connects a client to it.
     *
     * @param role              short name used in the directory name, e.g. {@code "server"}
     * @param externalDirectory directory of a running media driver to use instead, or null
     * @param termLength        term buffer length for publications (power of two, 64 KiB..1 GiB)
     * @param logBuffers        how many publication logs and images this endpoint will map, for the space check
     */
    public static AeronEndpoint start(String role, String externalDirectory, int termLength, int logBuffers) {
        FatalErrorRelay fatalErrors = new FatalErrorRelay();
        if (externalDirectory != null) {
            Aeron aeron = Aeron.connect(clientContext(externalDirectory, fatalErrors));
            return new AeronEndpoint(null, aeron, externalDirectory, fatalErrors);
        }
        Path base = defaultBaseDirectory();
        String dir = newDirectory(base, role);
        removeStaleDirectories(base);
        checkFreeSpace(base, termLength, logBuffers);
        MediaDriver driver = MediaDriver.launchEmbedded(driverContext(dir, termLength));
        try {
            Aeron aeron = Aeron.connect(clientContext(driver.aeronDirectoryName(), fatalErrors));
            LOG.debug("embedded media driver started: dir={} termLength={}", dir, termLength);
            return new AeronEndpoint(driver, aeron, driver.aeronDirectoryName(), fatalErrors);
        } catch (RuntimeException e) {
            driver.close();
            IoUtil.delete(new File(dir), true);
            throw e;
        }
    }

    private static Aeron.Context clientContext(String directory, FatalErrorRelay fatalErrors) {
        return new Aeron.Context()
                .aeronDirectoryName(directory)
                .driverTimeoutMs(DRIVER_TIMEOUT_MS)
                .errorHandler(t -> {
                    LOG.warn("aeron client error: dir={} error={}", directory, t.toString());
                    fatalErrors.onError(t);
                });
    }

    /**
     * Calls {@code handler} once, on a thread of its own, when this endpoint's Aeron client fails for good: the
     * media driver stopped answering (dead, killed, or its directory removed: Aeron's {@code DriverTimeoutException}),
     * or the driver timed this client out. After that nothing the endpoint sends or receives will arrive; the owner
     * should stop. A failure before the handler is set is delivered when it is set.
     */
    public void onFatalError(Consumer<Throwable> handler) {
        fatalErrors.setHandler(handler);
    }

    /** Passes the first fatal Aeron client error to a handler, off the client conductor's thread. */
    static final class FatalErrorRelay {
        private Consumer<Throwable> handler;
        private Throwable failure;
        private boolean delivered;

        static boolean isFatal(Throwable t) {
            return t instanceof AeronException && ((AeronException) t).category() == AeronException.Category.FATAL;
        }

        synchronized void onError(Throwable t) {
            if (failure == null && isFatal(t)) {
                failure = t;
                deliver();
            }
        }

        synchronized void setHandler(Consumer<Throwable> handler) {
            this.handler = handler;
            deliver();
        }

        private void deliver() {
            if (handler != null && failure != null && !delivered) {
                delivered = true;
                Consumer<Throwable> target = handler;
                Throwable cause = failure;
                // The conductor thread reports the error; closing the client from that thread would wait on itself.
                Thread thread = new Thread(() -> target.accept(cause), "orrery-ps-fatal-error");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    /** /dev/shm when present (memory-backed, the fast path), else the JVM's temporary directory. */
    static Path defaultBaseDirectory() {
        Path shm = Paths.get("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm;
        }
        return Paths.get(System.getProperty("java.io.tmpdir"));
    }

    /** Bytes the driver directory needs for {@code logBuffers} logs of three terms each plus fixed files. */
    public static long requiredBytes(int termLength, int logBuffers) {
        return (long) logBuffers * (3L * termLength + 4096) + FIXED_DIR_BYTES;
    }

    static void checkFreeSpace(Path base, int termLength, int logBuffers) {
        long needed = requiredBytes(termLength, logBuffers);
        long usable;
        try {
            usable = Files.getFileStore(base).getUsableSpace();
        } catch (IOException e) {
            throw new TransportException("cannot read free space: dir=" + base + " error=" + e.getMessage(), e);
        }
        if (usable < needed) {
            throw new TransportException("not enough space for the Aeron directory: dir=" + base
                    + " neededMiB=" + (needed >> 20) + " freeMiB=" + (usable >> 20) + " logBuffers=" + logBuffers
                    + " termLength=" + termLength + " hint=\"enlarge /dev/shm (docker --shm-size), lower termLength,"
                    + " or point java.io.tmpdir / an external driver directory at a larger file system\"");
        }
    }

    public Aeron aeron() {
        return aeron;
    }

    public String directory() {
        return directory;
    }

    /** The demand on this endpoint's driver ({@link DriverDemand}): read only when the driver is embedded here. */
    public DriverDemand demand() {
        return DriverDemand.of(directory);
    }

    /** True when this endpoint launched (and will delete) its own driver. */
    public boolean embedded() {
        return driver != null;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway; close() is idempotent
            }
        }
        try {
            aeron.close();
        } finally {
            if (driver != null) {
                driver.close();
                DriverDemand.forget(directory);
                IoUtil.delete(new File(directory), true);
            }
        }
    }

    /** {@code host/pid} of this JVM, for log lines that must say who is missing. */
    public static String processName() {
        return ManagementFactory.getRuntimeMXBean().getName();
    }
}
