package io.orrery.examples.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the chaos runner started (the `ps` or a worker): its output goes to a log file, and a reader thread keeps the
 * last {@code progress=n} and {@code result ...} lines. Signals are the real ones ({@code kill -STOP}, SIGKILL),
 * sent to this process id only.
 */
final class ChaosProcess implements AutoCloseable {

    /** The packages of java.base the project opens to its JVMs (the parent POM's {@code orrery.jvm.opens}). */
    private static final List<String> OPENS = List.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io",
            "java.net", "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic",
            "jdk.internal.misc", "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar");

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread reader;
    private volatile long progress;
    private volatile String result;
    private volatile String failure;
    private volatile String lastLine = "";
    /** The last {@code memory ...} line of a worker: heap used, heap committed, off-heap bytes; null before one. */
    private volatile long[] memory;

    private ChaosProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.reader = new Thread(this::read, "chaos-log-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mainClass} in a new JVM with this JVM's class path and module opens. */
    static ChaosProcess start(String name, Path log, String heap, List<String> properties, String mainClass,
                              List<String> args, Map<String, String> environment) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        // `java -jar` takes the opens from the jar's manifest, which `-cp` ignores: give them explicitly
        for (String module : OPENS) {
            command.add("--add-opens=java.base/" + module + "=ALL-UNNAMED");
        }
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if ((arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) && !command.contains(arg)) {
                command.add(arg);
            }
        }
        // the runner's UDP settings (e.g. -Dorrery.udp.mtu where the kernel caps socket buffers) hold for every process
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("orrery.udp.")) {
                command.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        command.addAll(properties);
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().put("OPENBLAS_NUM_THREADS", "1");
        builder.environment().putAll(environment);
        try {
            return new ChaosProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + mainClass + "): " + e.getMessage(), e);
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                lastLine = line;
                if (line.startsWith("progress=")) {
                    progress = Long.parseLong(line.substring(9).trim());
                } else if (line.startsWith("memory ")) {
                    memory = memoryFields(line);
                } else if (line.startsWith("result ")) {
                    result = line;
                } else if (line.startsWith("failed ") && failure == null) {
                    failure = line.substring(7);
                }
            }
        } catch (IOException e) {
            failure = "log of " + name + " unreadable: " + e.getMessage();
        }
    }

    /** {@code memory heapUsed=u heapCommitted=c offHeap=o} as {u, c, o}. */
    private static long[] memoryFields(String line) {
        long[] values = new long[3];
        for (String field : line.substring(7).trim().split(" ")) {
            String[] kv = field.split("=", 2);
            int i = switch (kv[0]) {
                case "heapUsed" -> 0;
                case "heapCommitted" -> 1;
                case "offHeap" -> 2;
                default -> -1;
            };
            if (i >= 0 && kv.length == 2) {
                values[i] = Long.parseLong(kv[1]);
            }
        }
        return values;
    }

    /** The worker's last reported heap used, heap committed and off-heap bytes, or null if it reported none. */
    long[] reportedMemory() {
        return memory;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    long progress() {
        return progress;
    }

    /** The worker's {@code result ...} line once it finished, else null. */
    String result() {
        return result;
    }

    /** The worker's own failure message, if it printed one. */
    String failure() {
        return failure;
    }

    /** The last line it printed. */
    String lastLine() {
        return lastLine;
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for exit; returns the exit code, or -1 when it did not exit in time. */
    int waitFor(long timeoutMs) {
        try {
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                return -1;
            }
            reader.join(2000);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Sends a signal by name (STOP, CONT) with the system's {@code kill}. */
    void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " (" + name + ") failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("kill -" + signal + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL, as an out-of-memory killer or a lost host would: no shutdown hooks, no goodbye. */
    void killHard() {
        process.destroyForcibly();
        waitFor(10_000);
    }

    /**
     * Resident set size, open files, and the anonymous part of the resident set (heap, native allocations; the rest
     * is mapped files: Aeron's log buffers in /dev/shm, the jars) of the process from /proc, or -1 where unavailable.
     */
    long[] residentBytesAndOpenFiles() {
        long rss = -1;
        long files = -1;
        long anon = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                } else if (line.startsWith("RssAnon:")) {
                    anon = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            try (var list = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
                files = list.count();
            }
        } catch (IOException | RuntimeException e) {
            // the process exited between samples
        }
        return new long[]{rss, files, anon};
    }

    /** Ends the process if still running (SIGCONT first, in case a scenario left it stopped). */
    @Override
    public void close() {
        if (process.isAlive()) {
            signal("CONT");
            process.destroy();
            if (waitFor(5000) < 0) {
                process.destroyForcibly();
                waitFor(5000);
            }
        }
    }
}
