package io.orrery.examples.bench;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;

/**
 * The progress bar of a grid: one unit per run, the current run in the message, elapsed time and ETA.
 * Runs skipped on resume count as done at once, so the ETA reflects only the remaining runs.
 */
public final class BenchProgress implements AutoCloseable {

    private final ProgressBar bar;
    private boolean closed;

    /**
     * @param total runs in the grid
     * @param out   where the bar is drawn (stderr, so stdout stays clean for results)
     */
    public BenchProgress(int total, PrintStream out) {
        this.bar = new ProgressBarBuilder()
                .setTaskName("bench")
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" runs", 1)
                .showSpeed()
                // Runs take minutes: keep the elapsed time ticking between steps, not only when a run ends.
                .continuousUpdate()
                .setUpdateIntervalMillis(2000)
                // Non-interactive consoles report no width; leave room for the run's label.
                .setMaxRenderedLength(140)
                .setConsumer(new ConsoleProgressBarConsumer(out))
                .build();
    }

    /** Shows which run is in progress. */
    public void running(BenchConfig config) {
        bar.setExtraMessage(config.seriesLabel() + " N=" + config.workers());
    }

    /** Counts a finished (or skipped) run. */
    public void done() {
        bar.step();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            bar.close();
        }
    }
}
