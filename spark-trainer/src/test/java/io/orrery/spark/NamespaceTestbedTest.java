package io.orrery.spark;

import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.ps.transport.UdpSettings;
import io.orrery.spark.data.Sample;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Several hosts on one machine ({@code deploy/testbed.sh}): a Spark master and two workers, each in its own network
 * namespace with its own address and a 1500-byte, 1 Gbit/s link to a bridge; the driver (this JVM) stays in the
 * root namespace with the bridge's address. Gradients cross the namespaces over {@code aeron:udp}. Needs root to
 * create namespaces; skipped with a message where that is not allowed.
 */
@Tag("namespaces")
class NamespaceTestbedTest {

    /** Not the script's default, so that a test bed someone brought up by hand is never touched. */
    private static final String PREFIX = "orrtj";
    private static final String SUBNET = "10.78.0";
    private static final String DRIVER = SUBNET + ".1";

    @TempDir
    Path state;

    @Test
    void twoWorkerHostsTrainOverUdpAcrossNamespacesAndNothingIsLeftBehind() throws Exception {
        Path script = Paths.get("..", "deploy", "testbed.sh").toAbsolutePath().normalize();
        assumeTrue(Files.isExecutable(script), "skipped: " + script + " not found (run from the spark-trainer module)");
        String uid = run(List.of("id", "-u"), 10).output.trim();
        assumeTrue(uid.equals("0"), "skipped: the namespace test bed needs root to create network namespaces"
                + " (ip netns add); this JVM runs as uid " + uid);
        Result probe = run(List.of("ip", "netns", "add", PREFIX + "-probe"), 10);
        run(List.of("ip", "netns", "del", PREFIX + "-probe"), 10);
        assumeTrue(probe.exit == 0, "skipped: this host does not allow network namespaces: 'ip netns add' said: "
                + probe.output.trim());

        TestSpark.stop();  // another test's session would otherwise be reused with its master
        try {
            Result up = run(List.of(script.toString(), "up", "2", "--rate", "1gbit"), 300);
            assertEquals(0, up.exit, "testbed.sh up failed:\n" + up.output + logs());
            trainOnTheTestbed();
        } finally {
            Result down = run(List.of(script.toString(), "down"), 120);
            assertEquals(0, down.exit, "testbed.sh down failed:\n" + down.output);
        }
        String namespaces = run(List.of("ip", "netns", "list"), 10).output;
        assertTrue(namespaces.lines().noneMatch(l -> l.startsWith(PREFIX + "-")), "namespaces left: " + namespaces);
        String links = run(List.of("ip", "-o", "link", "show"), 10).output;
        assertTrue(links.lines().noneMatch(l -> l.contains(" " + PREFIX + "-")), "links left: " + links);
        List<Long> left = processesMentioning(state.toString());
        left.addAll(processesMentioning(" " + SUBNET + "."));
        left.addAll(processesMentioning("@" + SUBNET + "."));
        assertTrue(left.isEmpty(), "processes of the test bed left: " + left);
    }

    private void trainOnTheTestbed() {
        SparkConf conf = ClusterConf.executors()
                .setMaster("spark://" + SUBNET + ".10:7077")
                .setAppName("orrery-testbed-test")
                .set("spark.driver.host", DRIVER)
                .set("spark.driver.bindAddress", DRIVER)
                .set("spark.ui.enabled", "false")
                .set("spark.cores.max", "2")
                .set("spark.executor.cores", "1")
                .set("spark.executor.memory", "1g")
                .set("spark.locality.wait", "0s");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            spark.sparkContext().setLogLevel("WARN");
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<Sample> train = MnistSubset.train(2000);
            JavaRDD<Sample> test = sc.parallelize(MnistSubset.test(1000), 2);
            SoftmaxRegression model = new SoftmaxRegression(784, 10, 0.5, 21);
            SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).parameterServer().build();
            double before = trainer.evaluate(model, test).get("accuracy");
            History history = trainer.fit(model, sc.parallelize(train, 2),
                    FitOptions.defaults().epochs(2).batchSize(32).verbose(0));
            double after = trainer.evaluate(model, test).get("accuracy");
            assertTrue(before < 0.3 && after > 0.8, "accuracy before=" + before + " after=" + after);
            // The server listens on the bridge's address, which the workers reach only through their own eth0.
            assertTrue(history.events().get(0).matches("parameter server: " + DRIVER.replace(".", "\\.")
                    + ":\\d+ \\(in the driver\\)"), history.events().toString());
            Set<String> executors = history.events().stream().filter(e -> e.startsWith("worker="))
                    .map(e -> e.replaceAll(".*executor=(\\S+).*", "$1")).collect(Collectors.toSet());
            assertTrue(executors.size() == 2 && !executors.contains("driver"), "executors: " + history.events());
            // The server chose its frame from the bridge's 1500-byte MTU, as a server on a real Ethernet would.
            UdpSettings udp = UdpSettings.forHost(DRIVER);
            assertEquals(PREFIX + "-br", udp.link().name(), udp.toString());
            assertEquals(1408, udp.mtu(), udp.toString());
        } finally {
            spark.stop();
        }
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.list(state.resolve("logs"))) {
            for (Path f : files.collect(Collectors.toList())) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                out.append("\n--- ").append(f.getFileName()).append(" (last 20 lines)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
            }
        } catch (IOException e) {
            out.append("\n(no logs: ").append(e.getMessage()).append(')');
        }
        return out.toString();
    }

    /** Pids of live processes whose command line contains {@code text} (the state directory of this test bed). */
    private static List<Long> processesMentioning(String text) {
        List<Long> pids = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            String line = p.info().commandLine().orElse("");
            if (line.contains(text) && p.pid() != ProcessHandle.current().pid()) {
                pids.add(p.pid());
            }
        });
        return pids;
    }

    private record Result(int exit, String output) {
    }

    private Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ORRERY_TESTBED_PREFIX", PREFIX);
        builder.environment().put("ORRERY_TESTBED_SUBNET", SUBNET);
        builder.environment().put("ORRERY_TESTBED_STATE", state.toString());
        Path log = Files.createTempFile(state, "command", ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            return new Result(-1, "timed out after " + timeoutSeconds + " s: " + command + "\n" + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log));
    }
}
