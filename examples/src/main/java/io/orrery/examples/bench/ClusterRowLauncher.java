package io.orrery.examples.bench;

import io.orrery.examples.cluster.ExecutorCode;
import io.orrery.examples.cluster.ModuleFlags;
import io.orrery.examples.cluster.SparkHome;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs an Orrery row on {@code local-cluster[N,1,MB]}: a standalone master and N worker JVMs that Spark starts on
 * this machine, each launching one executor JVM, with gradients to the driver's parameter server over
 * {@code aeron:udp} on loopback (the path every spark-submit user takes). Spark finds its own jars for the executors
 * through {@code SPARK_HOME}, which it reads from the environment, so the run gets a JVM of its own
 * ({@link OrreryClusterRow}) with that variable set; it prints its row as the DL4J baseline does.
 */
public final class ClusterRowLauncher {

    /** Set in the child JVM, so that it trains instead of launching another child. */
    static final String CHILD_PROPERTY = "orrery.bench.clusterChild";

    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[(\\d+),(\\d+),(\\d+)]");

    private final Path repoDir;
    private final Duration timeout;

    /**
     * @param repoDir the Orrery checkout ({@code deploy/standalone.sh home} assembles a Spark home when none is set)
     * @param timeout longest a run may take
     */
    public ClusterRowLauncher(Path repoDir, Duration timeout) {
        this.repoDir = repoDir;
        this.timeout = timeout;
    }

    static boolean startsItsOwnCluster(BenchConfig config) {
        return config.master().startsWith("local-cluster[");
    }

    static boolean isClusterChild() {
        return Boolean.getBoolean(CHILD_PROPERTY);
    }

    RunResult run(BenchConfig config, Path dataDir, Path workDir) throws Exception {
        Path sparkHome = SparkHome.resolve(repoDir);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx3g");
        for (String flag : ModuleFlags.ofThisJvm(ClusterRowLauncher.class).split(" ")) {
            if (!flag.isEmpty()) {
                cmd.add(flag);
            }
        }
        cmd.add("-D" + CHILD_PROPERTY + "=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(OrreryClusterRow.class.getName());
        cmd.add(ResultsJson.configToLine(config));
        if (dataDir != null) {
            cmd.add(dataDir.toString());
        }
        Map<String, String> env = Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.12",
                "SPARK_LOCAL_IP", "127.0.0.1", "OMP_WAIT_POLICY", "PASSIVE");
        return RowProcess.run(cmd, env, workDir.resolve("orrery-cluster.log"), config, timeout);
    }

    /**
     * What the executors of a {@code local-cluster} run need: this JVM's jar or classpath (Orrery, ND4J, Aeron) and module
     * flags, a heap that fits the worker's memory, and OpenMP threads that do not spin against the task's own.
     */
    static Map<String, String> executorSettings(BenchConfig config) {
        Matcher m = LOCAL_CLUSTER.matcher(config.master());
        if (!m.matches()) {
            throw new IllegalArgumentException("Expected local-cluster[workers,cores,memoryMB], found "
                    + config.master());
        }
        int workerMemoryMb = Integer.parseInt(m.group(3));
        Map<String, String> conf = new LinkedHashMap<>(ExecutorCode.settings(ClusterRowLauncher.class));
        // ND4J keeps its arrays off the heap: leave a third of the worker's memory for them.
        conf.put("spark.executor.memory", (workerMemoryMb * 2 / 3) + "m");
        conf.put("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        return conf;
    }
}
