package io.orrery.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the DL4J baseline ({@code bench-dl4j/run.sh}) in its own JVM, with its own dependency set (ND4J 1.0.0-M2,
 * Spark 3.1.2), and reads back the row it prints. Its log goes to {@code workDir/dl4j.log}. On the cluster path its
 * master is {@code local-cluster[N,1,MB]}: executor JVMs of DL4J's own Spark version, started by the baseline.
 */
public final class Dl4jProcessRunner implements BenchRunner {

    private final Path projectDir;
    private final Path dataDir;
    private final Duration timeout;

    /**
     * @param projectDir the {@code bench-dl4j} directory (holding {@code run.sh})
     * @param dataDir    MNIST IDX directory, or null for the baseline's default search
     * @param timeout    longest a run may take before it is killed and recorded as failed
     */
    public Dl4jProcessRunner(Path projectDir, Path dataDir, Duration timeout) {
        this.projectDir = projectDir;
        this.dataDir = dataDir;
        this.timeout = timeout;
    }

    @Override
    public boolean handles(String system) {
        return system.startsWith("dl4j-");
    }

    @Override
    public RunResult run(BenchConfig config, Path workDir) throws IOException, InterruptedException {
        Path script = projectDir.resolve("run.sh");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("DL4J baseline not found: expected " + script + ". Pass --dl4j-dir"
                    + " pointing at the repository's bench-dl4j/ directory, or leave dl4j-* out of --systems.");
        }
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString(),
                "--trainer", config.system().substring("dl4j-".length()),
                "--workers", Integer.toString(config.workers()),
                "--epochs", Integer.toString(config.epochs()),
                "--batch-size", Integer.toString(config.batchPerWorker()),
                "--master", config.master()));
        if (dataDir != null) {
            cmd.add("--data");
            cmd.add(dataDir.toString());
        }
        return RowProcess.run(cmd, Map.of(), workDir.resolve("dl4j.log"), config, timeout);
    }
}
