package io.orrery.ps.server;

import io.orrery.core.models.Sequential;
import io.orrery.core.optimizers.SGD;
import io.orrery.ps.JobKey;
import io.orrery.ps.JobSecret;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server in this JVM and two worker processes, all over {@code aeron:udp} on loopback, training the MNIST MLP:
 * the loss falls and the result equals single-process training on the global batch (invariant 2 across JVMs).
 */
public class UdpMultiProcessTest {

    static final int WORKERS = 2;
    static final int STEPS = 12;
    static final int BATCH = 32;
    static final double LR = 0.1;

    @Test
    void serverAndTwoWorkerProcessesOverUdpTrainTheMnistMlp() throws Exception {
        trainAndCompare(null);
    }

    /**
     * The same run with a job key: the workers prove it (their secret in the environment), parameters go only to
     * them (manual multi-destination-cast), and the result is the same as single-process training.
     */
    @Test
    void keyedWorkerProcessesOverUdpTrainTheMnistMlpExactly() throws Exception {
        trainAndCompare("udp-multi-process-secret");
    }

    /** @param secret the job's secret (a keyed job), or null for a job with a token */
    private static void trainAndCompare(String secret) throws Exception {
        Sequential reference = MnistMlp.model(new SGD(LR));
        INDArray initial = reference.parameters().dup();
        INDArray[] data = MnistMlp.trainSamples(0, STEPS * WORKERS * BATCH);
        for (int t = 0; t < STEPS; t++) {
            int from = t * WORKERS * BATCH;
            reference.trainOnBatch(data[0].get(NDArrayIndex.interval(from, from + WORKERS * BATCH), NDArrayIndex.all()).dup(),
                    data[1].get(NDArrayIndex.interval(from, from + WORKERS * BATCH)).dup());
        }

        int port = freeUdpPortPair();
        ParameterServerConfig.Builder builder = ParameterServerConfig.builder().jobId(77).workers(WORKERS).shards(2)
                .initialParameters(initial).optimizer(new SGD(LR)).udp("127.0.0.1", port);
        ParameterServerConfig config = (secret == null ? builder : builder.jobKey(JobKey.derive(secret, 77))).build();
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try (ParameterServer server = ParameterServer.start(config)) {
            for (int k = 0; k < WORKERS; k++) {
                Path log = Files.createTempFile("orrery-ps-worker-" + k, ".log");
                logs.add(log);
                ProcessBuilder worker = workerProcess(port, server.token(), k, log);
                if (secret != null) {
                    worker.environment().put(JobSecret.ENVIRONMENT_VARIABLE, secret);
                }
                processes.add(worker.start());
            }
            for (int k = 0; k < WORKERS; k++) {
                boolean exited = processes.get(k).waitFor(180, TimeUnit.SECONDS);
                String output = Files.readString(logs.get(k), StandardCharsets.UTF_8);
                assertTrue(exited, "worker " + k + " did not finish in time; its output:\n" + output);
                assertEquals(0, processes.get(k).exitValue(), "worker " + k + " failed; its output:\n" + output);
                if (secret != null) {
                    assertFalse(output.contains(secret), "the secret was printed by worker " + k + ":\n" + output);
                }
                List<Double> losses = losses(output);
                assertEquals(STEPS, losses.size(), output);
                double first = losses.get(0);
                double lastMean = (losses.get(STEPS - 1) + losses.get(STEPS - 2) + losses.get(STEPS - 3)) / 3;
                assertTrue(lastMean < first * 0.8, "loss must fall: first=" + first + " last3=" + lastMean + " " + losses);
            }
            assertEquals(STEPS, server.version());
            double diff = server.parameters().sub(reference.parameters()).amaxNumber().doubleValue();
            assertTrue(diff < 1e-5, "distributed over UDP vs single process: max |diff| = " + diff);
            assertEquals(0, server.stats().drops().total(), server.stats().drops().summary());
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
            }
            for (Path log : logs) {
                Files.deleteIfExists(log);
            }
        }
    }

    static List<Double> losses(String output) {
        List<Double> losses = new ArrayList<>();
        Matcher m = Pattern.compile("step=\\d+ loss=([0-9.eE+-]+)").matcher(output);
        while (m.find()) {
            losses.add(Double.parseDouble(m.group(1)));
        }
        return losses;
    }

    static ProcessBuilder workerProcess(int port, long token, int index, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(MnistWorkerProcess.class.getName());
        for (Object a : new Object[]{"127.0.0.1", port, 77, token, index, WORKERS, STEPS, BATCH}) {
            command.add(String.valueOf(a));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        return builder;
    }

    /** A UDP port p with p+1 also free (ingress and broadcast control). */
    public static int freeUdpPortPair() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int p = ThreadLocalRandom.current().nextInt(20000, 60000);
            try (DatagramSocket a = new DatagramSocket(p, InetAddress.getLoopbackAddress());
                 DatagramSocket b = new DatagramSocket(p + 1, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free UDP port pair found");
    }
}
