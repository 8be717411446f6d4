package io.orrery.examples.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Samples, once a second, the resident memory and open files of every process of a job (from /proc), and the heap and
 * off-heap memory the workers report. Only the steady part of a run counts: from {@link ChaosJob#markSteady()} (every
 * worker trains) to {@link ChaosJob#stopWorkers()} (the workers then evaluate and exit, which is not training).
 *
 * <p>"Flat" is judged after a warm-up: the first {@link #WARM_UP_FRACTION} of the steady samples are left out, and
 * growth is the rise of a least-squares line through the rest, relative to its start. A JVM's resident memory rises
 * for minutes after start without leaking (the JIT compiles and fills the code cache, the heap grows towards the size
 * its collector settles on, malloc arenas and ND4J's native buffers reach their working set), more slowly on a loaded
 * host; a leak keeps rising at the rate work is done, so it shows in the line after the warm-up. A line rather than two
 * means also keeps one collection's sawtooth from deciding.
 */
final class MemorySampler implements AutoCloseable {

    /** The part of the steady samples taken as warm-up and not judged. */
    static final double WARM_UP_FRACTION = 1.0 / 3;

    /** Columns of a sample. */
    static final int RSS = 0;
    static final int OPEN_FILES = 1;
    static final int PS_RSS = 2;
    static final int ANON = 3;
    static final int HEAP_USED = 4;
    static final int HEAP_COMMITTED = 5;
    static final int OFF_HEAP = 6;
    private static final String[] NAMES = {"rss", "open_files", "ps_rss", "rss_anon", "workers_heap_used",
        "workers_heap_committed", "workers_off_heap"};

    private final ChaosJob job;
    private final Thread thread;
    private final List<long[]> samples = new ArrayList<>(); // columns above, then seconds since steady (ms)
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
            long[] sample = new long[NAMES.length + 1];
            for (ChaosProcess p : job.processes()) {
                if (!p.alive()) {
                    continue;
                }
                long[] s = p.residentBytesAndOpenFiles();
                if (s[0] > 0) {
                    peakRss = Math.max(peakRss, s[0]);
                    sample[RSS] += s[0];
                }
                if (s[1] > 0) {
                    peakFiles = Math.max(peakFiles, s[1]);
                    sample[OPEN_FILES] += s[1];
                }
                if (p == job.ps()) {
                    sample[PS_RSS] = s[0];
                }
                sample[ANON] += Math.max(0, s[2]);
                long[] reported = p.reportedMemory();
                if (reported != null) {
                    sample[HEAP_USED] += reported[0];
                    sample[HEAP_COMMITTED] += reported[1];
                    sample[OFF_HEAP] += reported[2];
                }
            }
            long now = System.nanoTime();
            synchronized (samples) {
                if (now >= job.steadySinceNs() && now < job.stoppingSinceNs()) {
                    sample[NAMES.length] = (now - job.steadySinceNs()) / 1_000_000;
                    samples.add(sample);
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
     * Growth of {@code column} after the warm-up: the rise of the least-squares line through the samples after the
     * first {@link #WARM_UP_FRACTION}, from its first to its last sample, as a fraction of its value at the first; NaN
     * with fewer than 8 samples after the warm-up.
     */
    double growth(int column) {
        synchronized (samples) {
            int from = (int) Math.ceil(samples.size() * WARM_UP_FRACTION);
            int n = samples.size() - from;
            if (n < 8) {
                return Double.NaN;
            }
            double mx = 0;
            double my = 0;
            for (int i = from; i < samples.size(); i++) {
                mx += seconds(i);
                my += samples.get(i)[column];
            }
            mx /= n;
            my /= n;
            double sxy = 0;
            double sxx = 0;
            for (int i = from; i < samples.size(); i++) {
                double dx = seconds(i) - mx;
                sxy += dx * (samples.get(i)[column] - my);
                sxx += dx * dx;
            }
            double slope = sxx == 0 ? 0 : sxy / sxx;
            double start = my + slope * (seconds(from) - mx);
            double end = my + slope * (seconds(samples.size() - 1) - mx);
            return start <= 0 ? Double.NaN : (end - start) / start;
        }
    }

    /** One line on what grew after the warm-up: resident memory, its anonymous part, heap, off-heap, open files. */
    String growthSummary() {
        synchronized (samples) {
            if (samples.isEmpty()) {
                return "no steady samples";
            }
            long[] last = samples.get(samples.size() - 1);
            return String.format(Locale.ROOT, "after a warm-up of %.0f s, over %.0f s: rss %+.1f%% (now %d MiB),"
                            + " anon %+.1f%%, heap used %+.1f%%, heap committed %+.1f%%, off-heap %+.1f%%,"
                            + " open files %+.1f%% (now %d); %d samples in %s",
                    seconds((int) Math.ceil(samples.size() * WARM_UP_FRACTION)),
                    seconds(samples.size() - 1) - seconds((int) Math.ceil(samples.size() * WARM_UP_FRACTION)),
                    100 * growth(RSS), last[RSS] >> 20, 100 * growth(ANON), 100 * growth(HEAP_USED),
                    100 * growth(HEAP_COMMITTED), 100 * growth(OFF_HEAP), 100 * growth(OPEN_FILES), last[OPEN_FILES],
                    samples.size(), job.dir().resolve("memory.csv").getFileName());
        }
    }

    private double seconds(int i) {
        return samples.get(Math.min(i, samples.size() - 1))[NAMES.length] / 1000.0;
    }

    int sampleCount() {
        synchronized (samples) {
            return samples.size();
        }
    }

    /** Writes the steady samples to memory.csv in the job's directory (seconds since steady, then the columns). */
    void writeCsv() {
        List<String> lines = new ArrayList<>();
        lines.add("seconds," + String.join(",", NAMES));
        synchronized (samples) {
            for (long[] s : samples) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%.1f", s[NAMES.length] / 1000.0));
                for (int c = 0; c < NAMES.length; c++) {
                    line.append(',').append(s[c]);
                }
                lines.add(line.toString());
            }
        }
        try {
            Files.write(job.dir().resolve("memory.csv"), lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + job.dir().resolve("memory.csv") + ": " + e.getMessage(), e);
        }
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
