package io.orrery.ps.client;

import io.orrery.ps.protocol.WorkerProxy;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The worker's sign of life: a daemon thread sends every server a heartbeat with the last step pushed, at the
 * configured interval, so that the server can name a silent worker. It has its own proxy (the worker's thread keeps
 * the other). {@link #close()} stops the thread; idempotent.
 */
final class Heartbeats implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final ScheduledExecutorService thread;
    private volatile long lastPushedStep = -1;

    Heartbeats(ClientConfig config, List<ServerConnection> connections, int workerId) {
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "orrery-ps-heartbeat-" + workerId);
            t.setDaemon(true);
            return t;
        });
        WorkerProxy proxy = new WorkerProxy(config.jobId, config.token, 256, new BackoffIdleStrategy(),
                TimeUnit.MILLISECONDS.toNanos(100));
        long periodMs = config.heartbeatInterval.toMillis();
        thread.scheduleAtFixedRate(() -> {
            for (ServerConnection c : connections) {
                try {
                    synchronized (c.control) {
                        proxy.heartbeat(c.control, workerId, lastPushedStep);
                    }
                } catch (RuntimeException e) {
                    LOG.debug("heartbeat not sent: workerId={} server={} error={}", workerId, c.target, e.getMessage());
                }
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** The step the next heartbeats report. */
    void pushed(long step) {
        lastPushedStep = step;
    }

    /** The last step whose chunks were all offered; -1 before the first push. */
    long lastPushed() {
        return lastPushedStep;
    }

    boolean closed() {
        return thread.isShutdown();
    }

    @Override
    public void close() {
        if (thread.isShutdown()) {
            return;
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
