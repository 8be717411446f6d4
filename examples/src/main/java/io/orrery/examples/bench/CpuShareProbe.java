package io.orrery.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Measures, while a row runs, the share of a core that one more runnable thread gets: every {@code periodMs} it
 * spins for {@code spinMs} and divides its thread CPU time by the wall time. With k runnable threads competing for
 * C cores a newcomer gets min(1, C / (k + 1)), so the share says how crowded the machine was during the row (the
 * row's own threads and every other job's), without reading anything the row measures itself. It costs
 * spinMs / periodMs of one core.
 */
final class CpuShareProbe implements AutoCloseable {

    static final long DEFAULT_SPIN_MS = 20;
    static final long DEFAULT_PERIOD_MS = 500;

    private final long spinNs;
    private final long periodMs;
    private final Thread thread;
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private double cpuNs;
    private double wallNs;
    private volatile boolean running = true;

    private CpuShareProbe(long spinMs, long periodMs) {
        this.spinNs = spinMs * 1_000_000L;
        this.periodMs = periodMs;
        this.thread = new Thread(this::loop, "bench-cpu-share-probe");
        this.thread.setDaemon(true);
    }

    /** Starts sampling; null when this JVM cannot time a thread's CPU (then no share is recorded). */
    static CpuShareProbe start() {
        return start(DEFAULT_SPIN_MS, DEFAULT_PERIOD_MS);
    }

    static CpuShareProbe start(long spinMs, long periodMs) {
        CpuShareProbe p = new CpuShareProbe(spinMs, periodMs);
        if (!p.mx.isCurrentThreadCpuTimeSupported()) {
            return null;
        }
        p.thread.start();
        return p;
    }

    private void loop() {
        long sink = 0;
        while (running) {
            long w0 = System.nanoTime();
            long c0 = mx.getCurrentThreadCpuTime();
            while (System.nanoTime() - w0 < spinNs) {
                sink++;
            }
            long w = System.nanoTime() - w0;
            long c = mx.getCurrentThreadCpuTime() - c0;
            synchronized (this) {
                wallNs += w;
                cpuNs += Math.min(c, w);
            }
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
        }
        if (sink == 42) {
            Thread.onSpinWait(); // keeps the spin from being optimised away
        }
    }

    /** Mean share of a core the probe got so far, in (0, 1]; null before its first sample. */
    synchronized Double share() {
        return wallNs > 0 ? Math.max(1e-3, cpuNs / wallNs) : null;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(2_000);
    }
}
