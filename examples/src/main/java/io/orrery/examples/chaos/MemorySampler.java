package io.orrery.examples.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * Samples, once a second, the resident memory and open files of every process of a job (from /proc). Resident memory
 * covers heap and off-heap (ND4J buffers, Aeron's mapped logs) alike. "Flat" compares the mean total resident memory
 * over the second quarter of the steady part of the run (from {@link ChaosJob#markSteady()}) with the last quarter.
 */
final class MemorySampler implements AutoCloseable {

    private final ChaosJob job;
    private final Thread thread;
    private final List<long[]> samples = new ArrayList<>(); // {total rss, total open files, ps rss}
    private volatile boolean running = true;
    private long peakRss;
    private long peakFiles;

    MemorySampler(ChaosJob job) {
        this.job = job;
        this.thread = new Thread(this::run, "chaos-memory");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            long total = 0;
            long files = 0;
            long ps = 0;
            for (ChaosProcess p : job.processes()) {
                if (!p.alive()) {
                    continue;
                }
                long[] s = p.residentBytesAndOpenFiles();
                if (s[0] > 0) {
                    peakRss = Math.max(peakRss, s[0]);
                    total += s[0];
                }
                if (s[1] > 0) {
                    peakFiles = Math.max(peakFiles, s[1]);
                    files += s[1];
                }
                if (p == job.ps()) {
                    ps = s[0];
                }
            }
            synchronized (samples) {
                if (System.nanoTime() >= job.steadySinceNs()) {
                    samples.add(new long[]{total, files, ps});
                }
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Largest resident memory of any one process of the job, in bytes. */
    long peakRss() {
        return peakRss;
    }

    long peakOpenFiles() {
        return peakFiles;
    }

    /**
     * Growth of {@code column} (0 total resident, 1 total open files, 2 server resident) from the mean of the second
     * quarter of the samples to the mean of the last quarter, as a fraction; NaN with fewer than 8 samples.
     */
    double growth(int column) {
        synchronized (samples) {
            int n = samples.size();
            if (n < 8) {
                return Double.NaN;
            }
            double early = mean(column, n / 4, n / 2);
            double late = mean(column, n - n / 4, n);
            return early == 0 ? Double.NaN : (late - early) / early;
        }
    }

    int sampleCount() {
        synchronized (samples) {
            return samples.size();
        }
    }

    private double mean(int column, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += samples.get(i)[column];
        }
        return sum / (to - from);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
