package io.orrery.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The namespace test bed a {@code bench --paths testbed} run trains on: {@code deploy/testbed.sh up N --rate R
 * --driver-host} brought up once per rate and kept while consecutive rows use that rate (bringing a bed up takes a
 * minute or two of Spark daemons starting), then taken down before the next rate, at {@link #close()}, and on JVM
 * exit. Its own prefix and subnet keep it apart from a bed someone brought up by hand and from the tests' bed.
 */
final class BenchTestbed implements AutoCloseable {

    /** Namespaces and links are named {@code orrbn-*}, so {@code down} touches nothing else. */
    static final String PREFIX = "orrbn";
    static final String SUBNET = "10.79.0";
    /** The driver's own host, its link capped like the workers' ({@code --driver-host}). */
    static final String DRIVER_NAMESPACE = PREFIX + "-d";
    static final String DRIVER_ADDRESS = SUBNET + ".2";
    static final String SPARK_MASTER = "spark://" + SUBNET + ".10:7077";

    private static final long UP_TIMEOUT_SECONDS = 600;
    private static final long DOWN_TIMEOUT_SECONDS = 180;

    private final Path script;
    private final Path stateDir;
    private String upRate;
    private int upHosts;
    private Thread exitHook;

    /**
     * @param repoDir  the Orrery checkout holding {@code deploy/testbed.sh}
     * @param stateDir where the bed keeps its pid files and daemon logs
     */
    BenchTestbed(Path repoDir, Path stateDir) {
        this.script = repoDir.resolve("deploy").resolve("testbed.sh");
        this.stateDir = stateDir;
    }

    /** Makes sure a bed of {@code hosts} worker hosts at {@code rate} is up, replacing one of another shape. */
    synchronized void ensure(int hosts, String rate) throws IOException, InterruptedException {
        if (rate.equals(upRate) && hosts == upHosts) {
            return;
        }
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("Expected the test-bed script at " + script + ", found none: run bench"
                    + " from the Orrery checkout (or pass --dl4j-dir so that its parent is the checkout)");
        }
        takeDown();
        if (exitHook == null) {
            exitHook = new Thread(this::downQuietly, "bench-testbed-down");
            Runtime.getRuntime().addShutdownHook(exitHook);
        }
        // A bed left by an interrupted bench would make "up" refuse; it is ours by its prefix.
        run(List.of(script.toString(), "down"), DOWN_TIMEOUT_SECONDS);
        String out = run(List.of(script.toString(), "up", Integer.toString(hosts), "--rate", rate, "--driver-host"),
                UP_TIMEOUT_SECONDS);
        upRate = rate;
        upHosts = hosts;
        System.err.println("bench: " + out.lines().filter(l -> l.startsWith("test bed up")).findFirst().orElse(out));
    }

    /** The command prefix that runs a program on the driver's host. */
    static List<String> onDriverHost() {
        return List.of("ip", "netns", "exec", DRIVER_NAMESPACE);
    }

    @Override
    public synchronized void close() throws IOException, InterruptedException {
        takeDown();
        if (exitHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to: it takes the bed down itself.
            }
            exitHook = null;
        }
    }

    private void takeDown() throws IOException, InterruptedException {
        if (upRate != null) {
            upRate = null;
            upHosts = 0;
            run(List.of(script.toString(), "down"), DOWN_TIMEOUT_SECONDS);
        }
    }

    private void downQuietly() {
        try {
            takeDown();
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("bench: could not take the test bed down (" + e.getMessage() + "); run 'ORRERY_TESTBED_PREFIX="
                    + PREFIX + " " + script + " down'");
        }
    }

    private String run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Files.createDirectories(stateDir);
        Path log = Files.createTempFile(stateDir, "testbed", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(Map.of("ORRERY_TESTBED_PREFIX", PREFIX, "ORRERY_TESTBED_SUBNET", SUBNET,
                "ORRERY_TESTBED_STATE", stateDir.toString()));
        Process p = builder.start();
        boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        if (!finished || p.exitValue() != 0) {
            throw new IllegalStateException("Expected '" + String.join(" ", command) + "' to succeed, found "
                    + (finished ? "exit code " + p.exitValue() : "no end after " + timeoutSeconds + " s")
                    + "; its output:\n" + out + "\nDaemon logs are in " + stateDir.resolve("logs"));
        }
        return out;
    }
}
