package io.orrery.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one benchmark row in a JVM of its own (the DL4J baseline with its own dependency set; an Orrery run on a
 * cluster this machine starts, which needs {@code SPARK_HOME} in its environment) and reads back the row it prints
 * on a line starting with {@link ResultsJson#LINE_PREFIX}. Its stderr goes to a log file in the run's folder; a
 * run that overruns its timeout is ended with its child processes (executors, Spark workers).
 */
final class RowProcess {

    private RowProcess() {
    }

    /**
     * @param command the command line
     * @param env     variables added to this JVM's environment
     * @param log     where the process's stderr goes
     * @param config  the configuration the row must be for
     * @param timeout longest the run may take
     */
    static RunResult run(List<String> command, Map<String, String> env, Path log, BenchConfig config,
                         Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        String started = Instant.now().toString();
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        String rowLine = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            // Reading stdout on this thread; the watchdog ends the process if it overruns.
            Thread watchdog = new Thread(() -> {
                try {
                    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        end(p);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-row-watchdog");
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
                return RunResult.failed(config, started, "the run's JVM exited with code " + exit
                        + " without printing a result row (timeout " + timeout.toMinutes() + " min); see " + log);
            }
        } finally {
            if (p.isAlive()) {
                end(p);
            }
        }
        RunResult row = ResultsJson.parseRow(rowLine, log.toString());
        if (!row.config().key().equals(config.key())) {
            throw new IllegalStateException("The run's JVM answered for another configuration: expected "
                    + config.key() + ", found " + row.config().key());
        }
        return row;
    }

    private static void end(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
    }
}
