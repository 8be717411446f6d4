package io.orrery.ps;

import io.orrery.ps.server.UdpMultiProcessTest;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.server.CapturedStderr;
import io.orrery.ps.server.ParameterServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone server ({@code ps}) takes the job's secret from {@code --secret-file} or {@code ORRERY_PS_SECRET},
 * derives the job key from it, never prints it, and refuses a secret on the command line.
 */
class ParameterServerMainSecretTest {

    private static final String SECRET = "s3cret-Passphrase-for-job-7";
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Starts {@code ps} with {@code args}, joins one worker with the key derived from {@code secret}, reads the parameters. */
    private static String[] startAndJoin(ParameterServerMain main, List<String> args, String secret, boolean udp)
            throws IOException {
        new CommandLine(main).parseArgs(args.toArray(new String[0]));
        PrintStream originalOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CapturedStderr err = new CapturedStderr()) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try (ParameterServer server = main.start()) {
                assertEquals(0, server.token(), "a keyed job uses no token");
                ClientConfig.Builder cc = ClientConfig.builder().jobId(7).jobKey(JobKey.derive(secret, 7))
                        .joinTimeout(WAIT);
                if (udp) {
                    cc.udp("127.0.0.1", server.config().port());
                } else {
                    cc.ipc(server.aeronDirectory());
                }
                try (ParameterServerClient worker = ParameterServerClient.connect(cc.build())) {
                    INDArray params = Nd4j.zeros(DataType.FLOAT, 5);
                    worker.awaitInitialParameters(params, WAIT);
                    assertArrayEquals(new float[]{0, 1, 2, 3, 4}, params.toFloatVector());
                }
            }
            return new String[]{out.toString(StandardCharsets.UTF_8), err.text()};
        } finally {
            System.setOut(originalOut);
        }
    }

    private static List<String> args(Path dir, String... more) throws IOException {
        List<String> args = new ArrayList<>(ParameterServerMainTokenTest.args(dir, "--job-id", "7"));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void theSecretIsReadFromAFileOverUdpAndNeverPrinted(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("job.secret");
        Files.writeString(file, SECRET + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        String[] run = startAndJoin(new ParameterServerMain(Map.of()), args(dir, "--secret-file", file.toString(),
                "--udp", "127.0.0.1", "--port", Integer.toString(UdpMultiProcessTest.freeUdpPortPair())), SECRET, true);
        assertTrue(run[0].contains("secret: read from " + file), run[0]);
        assertTrue(run[1].contains("keyProven=true"), "the worker proved the key: " + run[1]);
        assertFalse(run[0].contains(SECRET) || run[1].contains(SECRET), "the secret is never printed");
    }

    @Test
    void theSecretIsReadFromTheEnvironment(@TempDir Path dir) throws IOException {
        String[] run = startAndJoin(new ParameterServerMain(Map.of(JobSecret.ENVIRONMENT_VARIABLE, SECRET)), args(dir),
                SECRET, false);
        assertTrue(run[0].contains("secret: from the environment variable ORRERY_PS_SECRET"), run[0]);
        assertFalse(run[0].contains(SECRET) || run[1].contains(SECRET), "the secret is never printed");
    }

    @Test
    void aWorkerWithAnotherSecretIsRefused(@TempDir Path dir) throws IOException {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> startAndJoin(
                new ParameterServerMain(Map.of(JobSecret.ENVIRONMENT_VARIABLE, SECRET)), args(dir), "not it", false));
        assertTrue(e.getMessage().contains("does not show the job's key"), e.getMessage());
    }

    @Test
    void aSecretOnTheCommandLineIsRefusedWithoutQuotingIt(@TempDir Path dir) throws IOException {
        for (List<String> secretArgs : List.of(List.of("--secret", SECRET), List.of("--secret=" + SECRET))) {
            ParameterServerMain main = new ParameterServerMain(Map.of());
            List<String> all = args(dir);
            all.addAll(secretArgs);
            String err;
            int code;
            // The usage error goes to the standard error of the command line that raised it.
            try (CapturedStderr captured = new CapturedStderr()) {
                code = new CommandLine(main).setOut(new PrintWriter(new StringWriter()))
                        .execute(all.toArray(new String[0]));
                err = captured.text();
            }
            assertEquals(2, code, "a usage error: " + err);
            assertTrue(err.contains("--secret: refused; a secret on the command line is readable by every"
                    + " user of this host"), err);
            assertTrue(err.contains("--secret-file") && err.contains("ORRERY_PS_SECRET"), "names the ways that work: "
                    + err);
            assertFalse(err.contains(SECRET), "the refusal does not quote the secret: " + err);
        }
    }

    @Test
    void aSecretTogetherWithATokenOrTwoSecretsIsAUsageError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("job.secret");
        Files.writeString(file, SECRET);
        ParameterServerMain both = new ParameterServerMain(Map.of(JobSecret.ENVIRONMENT_VARIABLE, SECRET));
        new CommandLine(both).parseArgs(args(dir, "--token", "5").toArray(new String[0]));
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class, both::start);
        assertTrue(e.getMessage().contains("secret and token: expected one of them"), e.getMessage());

        ParameterServerMain two = new ParameterServerMain(Map.of(JobSecret.ENVIRONMENT_VARIABLE, SECRET));
        new CommandLine(two).parseArgs(args(dir, "--secret-file", file.toString()).toArray(new String[0]));
        e = assertThrows(CommandLine.ParameterException.class, two::start);
        assertTrue(e.getMessage().contains("found both"), e.getMessage());

        Path empty = dir.resolve("empty.secret");
        Files.writeString(empty, "  \n");
        IOException blank = assertThrows(IOException.class, () -> JobSecret.read(empty));
        assertTrue(blank.getMessage().contains("empty"), blank.getMessage());
    }
}
