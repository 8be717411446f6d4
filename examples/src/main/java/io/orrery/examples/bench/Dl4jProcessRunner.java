package io.orrery.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the DL4J baseline ({@code bench-dl4j/run.sh}) in its own JVM, with its own dependency set (ND4J 1.0.0-M2,
 * Spark 3.1.2), and reads back the row it prints. Its log goes to {@code workDir/dl4j.log}.
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
                "--batch-size", Integer.toString(config.batchPerWorker())));
        if (dataDir != null) {
            cmd.add("--data");
            cmd.add(dataDir.toString());
        }
        Files.createDirectories(workDir);
        Path log = workDir.resolve("dl4j.log");
        String started = Instant.now().toString();
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        String rowLine = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            // Reading stdout on this thread; the watchdog below ends the process if it overruns.
            Thread watchdog = new Thread(() -> {
                try {
                    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        p.descendants().forEach(ProcessHandle::destroy);
                        p.destroy();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "dl4j-baseline-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(ResultsJson.LINE_PREFIX)) {
                    rowLine = line.substring(ResultsJson.LINE_PREFIX.length());
                }
            }
            int exit = p.waitFor();
            watchdog.interrupt();
            if (rowLine == null) {
                return RunResult.failed(config, started, "DL4J baseline exited with code " + exit
                        + " without printing a result row (timeout " + timeout.toMinutes() + " min); see " + log);
            }
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
        }
        RunResult row = ResultsJson.parseRow(rowLine, log.toString());
        if (!row.config().key().equals(config.key())) {
            throw new IllegalStateException("DL4J baseline answered for another configuration: expected "
                    + config.key() + ", found " + row.config().key());
        }
        return row;
    }
}
