package io.orrery.examples.bench;

import java.nio.file.Path;

/**
 * Runs one configuration of the grid and measures it. One implementation per kind of system: Orrery's Spark
 * trainer in this JVM, the DL4J baseline in its own JVM.
 */
public interface BenchRunner {

    /** Whether this runner trains the configuration's {@link BenchConfig#system()}. */
    boolean handles(String system);

    /**
     * Trains the reference MNIST model as configured and returns the measured row. A run that fails may either
     * throw or return a {@link RunResult#failed} row; the harness records both and retries them on resume.
     *
     * @param config  what to run
     * @param workDir scratch directory of this run (logs, checkpoints), inside the output directory
     */
    RunResult run(BenchConfig config, Path workDir) throws Exception;
}
