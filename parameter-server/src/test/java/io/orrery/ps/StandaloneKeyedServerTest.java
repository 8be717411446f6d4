package io.orrery.ps;

import io.orrery.ps.server.UdpMultiProcessTest;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ps} as its own process with the secret in {@code ORRERY_PS_SECRET}, over UDP on loopback: a worker in this
 * JVM with the derived key trains a step, one with another key is refused, and the secret appears nowhere in the
 * process's output. A secret on the command line makes the process exit with a usage error, unquoted.
 */
class StandaloneKeyedServerTest {

    private static final String SECRET = "standalone-secret-Zq81-for-ps";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void psTakesItsSecretFromTheEnvironmentAndOnlyWorkersWithTheKeyTrain(@TempDir Path dir) throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        Path log = dir.resolve("ps.log");
        List<String> command = StandaloneServerDriverDeathTest.java(ParameterServerMain.class.getName());
        command.addAll(List.of("--workers", "1", "--params", ParameterServerMainTokenTest.paramsFile(dir).toString(),
                "--optimizer", "sgd", "--learning-rate", "1", "--job-id", "9", "--udp", "127.0.0.1", "--port",
                Integer.toString(port)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put(JobSecret.ENVIRONMENT_VARIABLE, SECRET);
        builder.environment().put("OMP_NUM_THREADS", "1");
        Process ps = builder.start();
        try {
            StandaloneServerDriverDeathTest.waitForLine(log, "parameter server started", ps, 90);
            ClientConfig.Builder wrong = ClientConfig.builder().jobId(9).jobKey(JobKey.derive("not the secret", 9))
                    .udp("127.0.0.1", port).joinTimeout(WAIT);
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> ParameterServerClient.connect(wrong.build()));
            assertTrue(refused.getMessage().contains("does not show the job's key"), refused.getMessage());
            try (ParameterServerClient worker = ParameterServerClient.connect(ClientConfig.builder().jobId(9)
                    .jobKey(JobKey.derive(SECRET, 9)).udp("127.0.0.1", port).joinTimeout(WAIT).build())) {
                INDArray params = Nd4j.zeros(DataType.FLOAT, 5);
                worker.awaitInitialParameters(params, WAIT);
                worker.pushGradients(0, Nd4j.ones(DataType.FLOAT, 5));
                worker.awaitParameters(0, params, WAIT);
                assertArrayEquals(new float[]{-1, 0, 1, 2, 3}, params.toFloatVector(), 1e-6f);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(output.contains("secret: from the environment variable ORRERY_PS_SECRET"), output);
            assertTrue(output.contains("keyed=true") && output.contains("keyProven=true"), output);
            assertFalse(output.contains(SECRET), "the secret was printed:\n" + output);
        } finally {
            ps.destroy();
            ps.waitFor(20, TimeUnit.SECONDS);
            ps.destroyForcibly();
        }
    }

    @Test
    void psRefusesASecretOnItsCommandLine(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("ps.log");
        List<String> command = StandaloneServerDriverDeathTest.java(ParameterServerMain.class.getName());
        command.addAll(List.of("--workers", "1", "--params", ParameterServerMainTokenTest.paramsFile(dir).toString(),
                "--optimizer", "sgd", "--secret", SECRET));
        Process ps = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(ps.waitFor(60, TimeUnit.SECONDS), "ps did not exit");
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(2, ps.exitValue(), output);
        assertTrue(output.contains("--secret: refused; a secret on the command line is readable by every user"), output);
        assertFalse(output.contains(SECRET), "the refusal quoted the secret:\n" + output);
    }
}
