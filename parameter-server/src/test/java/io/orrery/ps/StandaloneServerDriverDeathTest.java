package io.orrery.ps;

import io.aeron.CommonContext;
import io.aeron.exceptions.DriverTimeoutException;
import io.aeron.driver.MediaDriver;
import org.agrona.IoUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code ps} as its own process on an external media driver process: SIGKILL the driver and the server exits with
 * {@link ParameterServerMain#EXIT_TRANSPORT_FAILED} and a message naming the driver, instead of living on as a
 * zombie. Its token comes from the environment and appears nowhere in its output.
 */
class StandaloneServerDriverDeathTest {

    static final long SECRET = 4_417_902_356_118_220_963L;

    static List<String> java(String mainClass, String... systemProperties) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
                command.add(arg);
            }
        }
        command.addAll(List.of(systemProperties));
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(mainClass);
        return command;
    }

    static String waitForLine(Path log, String needle, Process process, long timeoutS) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (text.contains(needle)) {
                return text;
            }
            if (!process.isAlive()) {
                fail("process exited with " + process.exitValue() + " before printing \"" + needle + "\":\n" + text);
            }
            Thread.sleep(100);
        }
        return fail("no \"" + needle + "\" after " + timeoutS + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Whether the driver in {@code dir} is up; false while it is still writing its CnC file (a loaded host). */
    private static boolean driverActive(Path dir) {
        try {
            return CommonContext.isDriverActive(dir.toFile(), 1000, message -> { });
        } catch (DriverTimeoutException notInitialisedYet) {
            return false;
        }
    }

    @Test
    void psExitsNonZeroWithAMessageWhenItsMediaDriverIsKilled(@TempDir Path dir) throws Exception {
        Path driverDir = dir.resolve("aeron");
        Path driverLog = dir.resolve("driver.log");
        Path psLog = dir.resolve("ps.log");
        Path params = ParameterServerMainTokenTest.paramsFile(dir);
        Process driver = null;
        Process ps = null;
        try {
            driver = new ProcessBuilder(java(MediaDriver.class.getName(), "-Daeron.dir=" + driverDir,
                    "-Daeron.dir.delete.on.start=true", "-Daeron.threading.mode=SHARED",
                    "-Daeron.term.buffer.length=1048576", "-Daeron.ipc.term.buffer.length=1048576"))
                    .redirectErrorStream(true).redirectOutput(driverLog.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!driverActive(driverDir)) {
                if (System.nanoTime() > deadline || !driver.isAlive()) {
                    fail("media driver did not start:\n" + Files.readString(driverLog));
                }
                Thread.sleep(100);
            }

            List<String> command = java(ParameterServerMain.class.getName());
            command.addAll(List.of("--workers", "1", "--params", params.toString(), "--optimizer", "sgd",
                    "--aeron-dir", driverDir.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(psLog.toFile());
            builder.environment().put(JobToken.ENVIRONMENT_VARIABLE, Long.toString(SECRET));
            builder.environment().put("OMP_NUM_THREADS", "1");
            ps = builder.start();
            waitForLine(psLog, "parameter server started", ps, 90);

            long killedAt = System.nanoTime();
            driver.destroyForcibly();
            assertTrue(ps.waitFor(60, TimeUnit.SECONDS), "ps still running 60 s after its driver was killed:\n"
                    + Files.readString(psLog));
            double exitedAfterS = (System.nanoTime() - killedAt) / 1e9;
            String output = Files.readString(psLog, StandardCharsets.UTF_8);
            assertEquals(ParameterServerMain.EXIT_TRANSPORT_FAILED, ps.exitValue(), output);
            assertTrue(output.contains("parameter server stopped: its media driver (aeronDir=" + driverDir + ") is lost"),
                    output);
            assertTrue(output.contains("token: from the environment variable ORRERY_PS_TOKEN"), output);
            assertFalse(output.contains(Long.toString(SECRET)), "the token was printed:\n" + output);
            System.out.printf("driver killed; ps exited with %d after %.1f s%n", ps.exitValue(), exitedAfterS);
        } finally {
            for (Process p : new Process[]{ps, driver}) {
                if (p != null) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
            IoUtil.delete(new File(driverDir.toString()), true);
        }
    }
}
