package io.orrery.ps;

import io.orrery.ps.server.ParameterServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --mode} and {@code --staleness} become the one {@link TrainingMode}. */
class ParameterServerMainModeTest {

    private static ParameterServerMain parse(Path params, String... modeArgs) {
        ParameterServerMain main = new ParameterServerMain();
        // The token from a file next to the parameters (created on first use): ps never takes it from nowhere.
        String[] common = {"--workers", "2", "--params", params.toString(), "--optimizer", "sgd",
                "--token-file", params.resolveSibling("token").toString()};
        String[] args = new String[common.length + modeArgs.length];
        System.arraycopy(common, 0, args, 0, common.length);
        System.arraycopy(modeArgs, 0, args, common.length, modeArgs.length);
        new CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return main;
    }

    @Test
    void boundedWithItsStalenessStartsABoundedServer(@TempDir Path dir) throws Exception {
        Path params = Files.write(dir.resolve("params.f32"), new byte[16]);
        try (ParameterServer server = parse(params, "--mode", "BOUNDED", "--staleness", "3").start()) {
            assertEquals(TrainingMode.bounded(3), server.config().mode());
        }
        try (ParameterServer server = parse(params, "--mode", "async").start()) {
            assertEquals(TrainingMode.ASYNC, server.config().mode());
        }
    }

    @Test
    void aModeThatIsNoneOfThemIsNamedWithTheAcceptedValues(@TempDir Path dir) throws Exception {
        Path params = Files.write(dir.resolve("params.f32"), new byte[16]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(params, "--mode", "BOUNDED", "--staleness", "0").start());
        assertTrue(e.getMessage().contains("--mode: expected SYNC, ASYNC or BOUNDED"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse(params, "--mode", "downpour").start());
        assertTrue(e.getMessage().contains("\"downpour\""), e.getMessage());
    }
}
