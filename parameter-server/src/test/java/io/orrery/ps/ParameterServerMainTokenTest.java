package io.orrery.ps;

import io.orrery.ps.server.CapturedStderr;
import io.orrery.ps.server.ParameterServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone server takes its token from a file or the environment, and never prints it. */
class ParameterServerMainTokenTest {

    static final long SECRET = 6_150_243_977_420_318_871L;

    static Path paramsFile(Path dir) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(5 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 5; i++) {
            bytes.putFloat(i);
        }
        Path file = dir.resolve("params.f32");
        Files.write(file, bytes.array());
        return file;
    }

    static List<String> args(Path dir, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("--workers", "1", "--params", paramsFile(dir).toString(),
                "--optimizer", "sgd"));
        args.addAll(List.of(more));
        return args;
    }

    /** Starts the server as {@code ps} would and returns its token and everything printed meanwhile. */
    static String[] startCapturing(ParameterServerMain main, List<String> args) throws IOException {
        new CommandLine(main).parseArgs(args.toArray(new String[0]));
        PrintStream originalOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CapturedStderr err = new CapturedStderr()) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try (ParameterServer server = main.start()) {
                return new String[]{Long.toString(server.token()), out.toString(StandardCharsets.UTF_8), err.text()};
            }
        } finally {
            System.setOut(originalOut);
        }
    }

    static void assertNoSecret(String[] run) {
        assertFalse(run[1].contains(run[0]), "stdout shows the token: " + run[1]);
        assertFalse(run[2].contains(run[0]), "stderr shows the token: " + run[2]);
    }

    @Test
    void theTokenIsReadFromAFileAndNeverPrinted(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("job.token");
        Files.writeString(file, "  " + SECRET + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        String[] run = startCapturing(new ParameterServerMain(Map.of()), args(dir, "--token-file", file.toString()));
        assertEquals(Long.toString(SECRET), run[0]);
        assertTrue(run[1].contains("token: read from " + file), run[1]);
        assertTrue(run[2].contains("parameter server started"), "the startup log line was captured: " + run[2]);
        assertNoSecret(run);
    }

    @Test
    void aMissingTokenFileIsCreatedOwnerOnlyWithARandomToken(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("new.token");
        String[] run = startCapturing(new ParameterServerMain(Map.of()), args(dir, "--token-file", file.toString()));
        assertEquals(run[0], Long.toString(JobToken.read(file)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(run[1].contains("a random token was written to " + file), run[1]);
        assertNoSecret(run);
    }

    @Test
    void theTokenIsReadFromTheEnvironmentAndNeverPrinted(@TempDir Path dir) throws IOException {
        String[] run = startCapturing(new ParameterServerMain(Map.of(JobToken.ENVIRONMENT_VARIABLE, Long.toString(SECRET))),
                args(dir));
        assertEquals(Long.toString(SECRET), run[0]);
        assertTrue(run[1].contains("token: from the environment variable ORRERY_PS_TOKEN"), run[1]);
        assertNoSecret(run);
    }

    @Test
    void aTokenOnTheCommandLineStillWorksButWarnsThatEveryUserCanSeeIt(@TempDir Path dir) throws IOException {
        String[] run = startCapturing(new ParameterServerMain(Map.of()), args(dir, "--token", "5"));
        assertEquals("5", run[0]);
        assertTrue(run[2].contains("WARNING: --token puts the job's secret on the command line"), run[2]);
    }

    @Test
    void noTokenSourceOrTwoOfThemIsAUsageError(@TempDir Path dir) throws IOException {
        ParameterServerMain none = new ParameterServerMain(Map.of());
        new CommandLine(none).parseArgs(args(dir).toArray(new String[0]));
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class, none::start);
        assertTrue(e.getMessage().contains("expected exactly one of --token-file"), e.getMessage());

        ParameterServerMain two = new ParameterServerMain(Map.of(JobToken.ENVIRONMENT_VARIABLE, "12"));
        new CommandLine(two).parseArgs(args(dir, "--token", "5").toArray(new String[0]));
        e = assertThrows(CommandLine.ParameterException.class, two::start);
        assertTrue(e.getMessage().contains("found 2"), e.getMessage());
    }

    @Test
    void aMalformedTokenIsRefusedWithoutQuotingIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("typo.token");
        Files.writeString(file, SECRET + "x\n");
        IOException e = assertThrows(IOException.class, () -> JobToken.read(file));
        assertFalse(e.getMessage().contains(Long.toString(SECRET)), e.getMessage());
        IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
                () -> JobToken.fromEnvironment(Map.of(JobToken.ENVIRONMENT_VARIABLE, SECRET + "x")));
        assertFalse(env.getMessage().contains(Long.toString(SECRET)), env.getMessage());
    }
}
