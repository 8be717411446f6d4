package io.orrery.examples.bench;

import java.nio.file.Path;

/**
 * Runs Orrery's own Spark trainer for a grid point.
 *
 * <p>Not wired yet: the Spark trainer ({@code spark-trainer}, package {@code io.orrery.spark}) has not landed on
 * this branch. Until it does, every Orrery run is recorded as failed with that reason (and retried by a resumed
 * grid), so the DL4J rows, the charts and the simulation can still be produced. What this runner must read from
 * the trainer per run: samples/s, mean step time split into compute / communication / waiting, bytes sent and
 * received by the workers, and test accuracy after each epoch with the training seconds at that point.
 */
public final class OrrerySparkRunner implements BenchRunner {

    @Override
    public boolean handles(String system) {
        return BenchConfig.ORRERY.equals(system);
    }

    @Override
    public RunResult run(BenchConfig config, Path workDir) {
        throw new UnsupportedOperationException("Orrery's Spark trainer (module spark-trainer, io.orrery.spark) is"
                + " not in this build yet; rerun bench with the same --out once it is, and the grid resumes with"
                + " the Orrery rows");
    }
}
