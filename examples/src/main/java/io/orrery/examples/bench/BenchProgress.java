package io.orrery.examples.bench;

import io.orrery.core.callbacks.Terminal;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The progress of a grid: one unit per run, the current run, elapsed time and ETA. Runs skipped on resume count as
 * done at once, so the ETA reflects only the remaining runs.
 *
 * <p>On a terminal this is a bar redrawn in place. Anywhere else (a log file, a pipe, CI) the bar's carriage
 * returns would pile up into one line of thousands of characters, so each run gets one whole line as it starts and
 * the grid one as it ends.
 */
public final class BenchProgress implements AutoCloseable {

    private final int total;
    private final PrintStream out;
    private final ProgressBar bar;
    private final long startNs = System.nanoTime();
    private int done;
    private int measured;
    private long measuredNs;
    private long runStartNs;
    private boolean closed;

    /**
     * @param total runs in the grid
     * @param out   where progress goes (stderr, so stdout stays clean for results); redrawn only if it is a terminal
     */
    public BenchProgress(int total, PrintStream out) {
        this(total, out, Terminal.redraws(out));
    }

    /**
     * @param interactive whether {@code out} is a terminal: a redrawn bar if so, whole lines if not
     */
    public BenchProgress(int total, PrintStream out, boolean interactive) {
        this.total = total;
        this.out = out;
        this.bar = interactive ? new ProgressBarBuilder()
                .setTaskName("bench")
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" runs", 1)
                .showSpeed()
                // Runs take minutes: keep the elapsed time ticking between steps, not only when a run ends.
                .continuousUpdate()
                .setUpdateIntervalMillis(2000)
                .setMaxRenderedLength(140)
                .setConsumer(new ConsoleProgressBarConsumer(out))
                .build() : null;
    }

    /** Shows which run is in progress. */
    public void running(BenchConfig config) {
        String label = config.seriesLabel() + " N=" + config.workers();
        runStartNs = System.nanoTime();
        if (bar != null) {
            bar.setExtraMessage(label);
        } else {
            out.printf(Locale.ROOT, "bench %d/%d: %s (elapsed %s, ETA %s)%n", done + 1, total, label,
                    clock(runStartNs - startNs), eta());
            out.flush();
        }
    }

    /** Counts a finished (or skipped) run. */
    public void done() {
        if (runStartNs != 0) {
            measured++;
            measuredNs += System.nanoTime() - runStartNs;
            runStartNs = 0;
        }
        done++;
        if (bar != null) {
            bar.step();
        }
    }

    /** Remaining runs times the mean of the runs measured so far; {@code ?} before the first one ends. */
    private String eta() {
        return measured == 0 ? "?" : clock(measuredNs / measured * (total - done));
    }

    private static String clock(long nanos) {
        long s = Duration.ofNanos(nanos).toSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s % 3600 / 60, s % 60);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (bar != null) {
            bar.close();
        } else {
            out.printf(Locale.ROOT, "bench %d/%d runs done in %s%n", done, total, clock(System.nanoTime() - startNs));
            out.flush();
        }
    }
}
