package io.orrery.examples;

import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver's console keeps Keras's lines and warnings; the detail goes to the log file the command names. */
class ConsoleLoggingTest {

    private static final Logger TRAINER = LoggerFactory.getLogger("io.orrery.spark.SparkTrainer");
    private static final Logger SPARK = LoggerFactory.getLogger("org.apache.spark.util.Utils");

    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        System.clearProperty(ConsoleLogging.LOG_DIR_PROPERTY);
        System.clearProperty("SPARK_SUBMIT");
        Configurator.reconfigure();  // back to the classpath's log4j2 configuration for the other tests
    }

    /** Configures with stderr captured, logs what a local spark-train run logs, and returns the console's text. */
    private String runWith(Path file, ConsoleLogging.Console kind) {
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
        ConsoleLogging.configure(file, kind);
        TRAINER.info("epoch=1 worker=0 executor=driver steps=468 loop=14.11s compute=6.19s exchange=7.62s");
        SPARK.warn("Your hostname, vm resolves to a loopback address");
        TRAINER.warn("step timeout raised");
        SPARK.error("Task 3 failed");
        return console.toString(StandardCharsets.UTF_8);
    }

    @Test
    void quietLocalConsoleShowsOrrerysWarningsAndSparksErrorsButNotTheDetailNorSparksWarnings() throws IOException {
        Path file = dir.resolve("driver.log");
        String shown = runWith(file, ConsoleLogging.Console.QUIET_LOCAL);
        assertFalse(shown.contains("epoch=1 worker=0"), shown);
        assertFalse(shown.contains("loopback"), shown);
        assertTrue(shown.contains("WARN  SparkTrainer - step timeout raised"), shown);
        assertTrue(shown.contains("ERROR Utils - Task 3 failed"), shown);
        String logged = Files.readString(file);
        for (String line : new String[]{"INFO  [main] SparkTrainer - epoch=1 worker=0", "WARN  [main] Utils - Your hostname",
                "WARN  [main] SparkTrainer - step timeout", "ERROR [main] Utils - Task 3 failed"}) {
            assertTrue(logged.contains(line), line + " in\n" + logged);
        }
    }

    @Test
    void onAClusterSparksWarningsReachTheConsole() {
        String shown = runWith(dir.resolve("driver.log"), ConsoleLogging.Console.QUIET_CLUSTER);
        assertFalse(shown.contains("epoch=1 worker=0"), shown);
        assertTrue(shown.contains("WARN  Utils - Your hostname"), shown);
    }

    @Test
    void verboseConsoleShowsTheDetailToo() throws IOException {
        Path file = dir.resolve("driver.log");
        String shown = runWith(file, ConsoleLogging.Console.VERBOSE);
        assertTrue(shown.contains("INFO  SparkTrainer - epoch=1 worker=0"), shown);
        assertTrue(shown.contains("WARN  Utils - Your hostname"), shown);
        assertTrue(Files.readString(file).contains("SparkTrainer - epoch=1 worker=0"));
    }

    @Test
    void setUpNamesANewFileInTheLogFolder() throws IOException {
        System.setProperty(ConsoleLogging.LOG_DIR_PROPERTY, dir.resolve("logs").toString());
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
        Optional<Path> file = ConsoleLogging.setUp("spark-train", ConsoleLogging.Console.QUIET_LOCAL);
        assertTrue(file.isPresent());
        assertEquals(dir.resolve("logs"), file.get().getParent());
        assertTrue(file.get().getFileName().toString().matches("spark-train-\\d{8}-\\d{6}-\\d+\\.log"), file.get().toString());
        TRAINER.info("joined parameter server: workerId=0");
        assertTrue(Files.readString(file.get()).contains("ConsoleLogging - spark-train started: console=QUIET_LOCAL"));
        assertTrue(Files.readString(file.get()).contains("joined parameter server: workerId=0"));
        assertEquals("", console.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theConsolesLogsLineNamesTheExecutorsLogsOnlyOnACluster() {
        Path file = Path.of("/home/u/.orrery/logs/spark-train-20261202-151500-4242.log");
        assertEquals("logs: " + file, ConsoleLogging.whereLogsAre(file, true, "local-1764688500000"));
        assertEquals("logs: " + file + " (driver); executors: app-20261202151501-0003/<executor id>/stderr in each "
                + "Spark worker's work dir", ConsoleLogging.whereLogsAre(file, false, "app-20261202151501-0003"));
    }

    @Test
    void underSparkSubmitSparksOwnConfigurationIsLeftAlone() throws IOException {
        System.setProperty("SPARK_SUBMIT", "true");
        System.setProperty(ConsoleLogging.LOG_DIR_PROPERTY, dir.resolve("logs").toString());
        assertEquals(Optional.empty(), ConsoleLogging.setUp("spark-train", ConsoleLogging.Console.QUIET_LOCAL));
        assertFalse(Files.exists(dir.resolve("logs")));
    }
}
