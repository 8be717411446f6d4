package io.orrery.examples.bench;

import io.orrery.examples.cluster.ExecutorCode;
import io.orrery.examples.cluster.ModuleFlags;
import io.orrery.examples.cluster.SparkHome;
import io.orrery.spark.ShardPlacement;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs an Orrery row on a cluster whose executors have JVMs of their own: {@code local-cluster[N,1,MB]} (a standalone
 * master and N worker JVMs that Spark starts on this machine, gradients over {@code aeron:udp} on loopback, the path
 * every spark-submit user takes), or the namespace test bed, {@code testbed[HOSTS,RATE,PLACEMENT]}
 * ({@link TestbedMaster}: worker hosts with their own addresses and rate-capped 1500-byte links, the driver on a host
 * of its own). Spark finds its own jars for the executors through {@code SPARK_HOME}, which it reads from the
 * environment, so the run gets a JVM of its own ({@link OrreryClusterRow}) with that variable set, started on the
 * driver's host for the test bed; it prints its row as the DL4J baseline does.
 */
public final class ClusterRowLauncher implements AutoCloseable {

    /** Set in the child JVM, so that it trains instead of launching another child. */
    static final String CHILD_PROPERTY = "orrery.bench.clusterChild";

    /** What deploy/testbed.sh's workers offer by default (SPARK_WORKER_MEMORY=2g). */
    private static final int TESTBED_WORKER_MEMORY_MB = 2048;

    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[(\\d+),(\\d+),(\\d+)]");

    private final Path repoDir;
    private final Duration timeout;
    private final BenchTestbed testbed;

    /**
     * @param repoDir the Orrery checkout ({@code deploy/standalone.sh home} assembles a Spark home when none is set)
     * @param timeout longest a run may take
     * @param testbedState where the test bed keeps its pid files and daemon logs
     */
    public ClusterRowLauncher(Path repoDir, Duration timeout, Path testbedState) {
        this.repoDir = repoDir;
        this.timeout = timeout;
        this.testbed = new BenchTestbed(repoDir, testbedState);
    }

    static boolean startsItsOwnCluster(BenchConfig config) {
        return config.master().startsWith("local-cluster[") || TestbedMaster.isTestbed(config.master());
    }

    /** The Spark master the row's driver connects to (the test bed's master for a test-bed row). */
    static String sparkMaster(BenchConfig config) {
        return TestbedMaster.isTestbed(config.master()) ? BenchTestbed.SPARK_MASTER : config.master();
    }

    /** Where the row's shards run: the test bed's rows say so in their master column, every other row: the driver. */
    static ShardPlacement placement(BenchConfig config) {
        return TestbedMaster.isTestbed(config.master()) ? TestbedMaster.parse(config.master()).placement()
                : ShardPlacement.DRIVER;
    }

    static boolean isClusterChild() {
        return Boolean.getBoolean(CHILD_PROPERTY);
    }

    RunResult run(BenchConfig config, Path dataDir, Path workDir) throws Exception {
        Path sparkHome = SparkHome.resolve(repoDir);
        List<String> cmd = new ArrayList<>();
        String localIp = "127.0.0.1";
        if (TestbedMaster.isTestbed(config.master())) {
            TestbedMaster bed = TestbedMaster.parse(config.master());
            testbed.ensure(bed.hosts(), bed.rate());
            cmd.addAll(BenchTestbed.onDriverHost());
            localIp = BenchTestbed.DRIVER_ADDRESS;
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx3g");
        cmd.addAll(driverProperties(config));
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
                "SPARK_LOCAL_IP", localIp, "OMP_WAIT_POLICY", "PASSIVE");
        // How crowded the machine is while the row runs (the bed already up): the simulator models shared cores with it.
        CpuShareProbe probe = CpuShareProbe.start();
        try {
            Path log = workDir.resolve("orrery-cluster.log");
            RunResult row = RowProcess.run(cmd, env, log, config, timeout);
            return row.withMachineFigures(probe == null ? null : probe.share(), ServerStepTime.fromLog(log));
        } finally {
            if (probe != null) {
                probe.close();
            }
        }
    }

    @Override
    public void close() throws Exception {
        testbed.close();
    }

    /**
     * The UDP settings of a test-bed row's JVMs: the rate of their link (a veth reports 10 Gbit/s whatever its tbf
     * cap), which sizes the receiver windows, and, when bench's JVM has {@code -Dorrery.bench.testbedRtt=4ms}, the
     * round trip they are sized for (UdpSettings' 1 ms otherwise). Measured 2026-12-03 on the quiet machine: with
     * 1 ms the exchange at 1 Gbit/s was 1.09-1.10x the link's time, with 4 ms 1.19-1.26x (load 1.5 against 4-5).
     */
    static String udpProperties(BenchConfig config) {
        String rtt = System.getProperty("orrery.bench.testbedRtt");
        return "-Dorrery.udp.rate=" + TestbedMaster.parse(config.master()).rate()
                + (rtt == null ? "" : " -Dorrery.udp.rtt=" + rtt);
    }

    private static List<String> driverProperties(BenchConfig config) {
        if (!TestbedMaster.isTestbed(config.master())) {
            return List.of();
        }
        return List.of(udpProperties(config).split(" "));
    }

    /**
     * What the executors of a {@code local-cluster} run need: this JVM's jar or classpath (Orrery, ND4J, Aeron) and module
     * flags, a heap that fits the worker's memory, and OpenMP threads that do not spin against the task's own.
     */
    static Map<String, String> executorSettings(BenchConfig config) {
        Map<String, String> conf = new LinkedHashMap<>(ExecutorCode.settings(ClusterRowLauncher.class));
        int workerMemoryMb;
        if (TestbedMaster.isTestbed(config.master())) {
            workerMemoryMb = TESTBED_WORKER_MEMORY_MB;
            conf.put("spark.driver.host", BenchTestbed.DRIVER_ADDRESS);
            conf.put("spark.driver.bindAddress", BenchTestbed.DRIVER_ADDRESS);
            // One executor of one core on each of N hosts: the shape local-cluster[N,1,MB] has on loopback.
            conf.put("spark.cores.max", Integer.toString(config.workers()));
            conf.put("spark.executor.cores", "1");
            conf.put("spark.locality.wait", "0s");
            conf.merge("spark.executor.extraJavaOptions", udpProperties(config),
                    (flags, udp) -> (flags + " " + udp).trim());
        } else {
            Matcher m = LOCAL_CLUSTER.matcher(config.master());
            if (!m.matches()) {
                throw new IllegalArgumentException("Expected local-cluster[workers,cores,memoryMB] or"
                        + " testbed[hosts,rate,placement], found " + config.master());
            }
            workerMemoryMb = Integer.parseInt(m.group(3));
        }
        // ND4J keeps its arrays off the heap: leave a third of the worker's memory for them.
        conf.put("spark.executor.memory", (workerMemoryMb * 2 / 3) + "m");
        conf.put("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        return conf;
    }
}
