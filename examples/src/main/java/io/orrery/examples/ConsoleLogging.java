package io.orrery.examples;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.spark.SparkContext;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * The driver's logging for commands that run Spark from {@code java -jar}: the console keeps Keras's lines (printed on
 * standard output by the command) plus warnings and errors, and a log file takes Orrery's INFO detail (joins, the
 * per-epoch step split, server counters) and every warning, Spark's included. The command names the file once.
 *
 * <p>Log4j 2 is configured here, in code, because the levels depend on the command line ({@code --verbose}) and the
 * master (Spark's startup warnings about host names and native Hadoop are noise in local mode, but may matter on a
 * cluster). Log4j 2 is the SLF4J backend Spark brings; this class reaches it through Spark's dependencies. Under
 * {@code spark-submit} nothing is changed: the Spark installation's own logging configuration governs the driver,
 * as it does the executors.
 */
public final class ConsoleLogging {

    /** System property naming the folder of driver log files. */
    public static final String LOG_DIR_PROPERTY = "orrery.log.dir";
    /** Environment variable naming the folder of driver log files, read when the property is not set. */
    public static final String LOG_DIR_ENV = "ORRERY_LOG_DIR";

    private static final String CONSOLE_PATTERN = "%d{HH:mm:ss.SSS} %-5level %c{1} - %msg%n";
    private static final String FILE_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private ConsoleLogging() {
    }

    /** What reaches the console besides the command's own output. */
    public enum Console {
        /** Warnings and errors of Orrery; Spark's errors only (its warnings go to the file). */
        QUIET_LOCAL,
        /** Warnings and errors of Orrery and Spark: on a cluster, Spark's warnings can explain a stuck job. */
        QUIET_CLUSTER,
        /** Orrery's INFO lines and everyone's warnings, as in the file. */
        VERBOSE;

        /** The console for a run with these flags. */
        public static Console of(boolean verbose, boolean localSpark) {
            return verbose ? VERBOSE : localSpark ? QUIET_LOCAL : QUIET_CLUSTER;
        }
    }

    /** Whether this JVM was started by {@code spark-submit}, whose logging configuration must then be left alone. */
    public static boolean underSparkSubmit() {
        return System.getProperty("SPARK_SUBMIT") != null;
    }

    /**
     * Sends the driver's logging to a new log file and the console as {@code console} says, unless this JVM runs
     * under {@code spark-submit}.
     *
     * @param command names the file, e.g. {@code spark-train} gives {@code spark-train-20261202-151500-4242.log}
     * @return the log file, or empty under {@code spark-submit}
     */
    public static Optional<Path> setUp(String command, Console console) {
        if (underSparkSubmit()) {
            return Optional.empty();
        }
        Path dir = logDirectory();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log folder " + dir + " (" + e + "); set "
                    + LOG_DIR_PROPERTY + " or " + LOG_DIR_ENV + " to a writable folder", e);
        }
        Path file = dir.resolve(String.format(Locale.ROOT, "%s-%s-%d.log", command,
                LocalDateTime.now().format(STAMP), ProcessHandle.current().pid()));
        configure(file, console);
        LoggerFactory.getLogger(ConsoleLogging.class).info("{} started: console={} java={} pid={}", command, console,
                System.getProperty("java.version"), ProcessHandle.current().pid());
        return Optional.of(file);
    }

    /**
     * The console's one line about logs: the driver's file, and on a cluster where each executor's log is, e.g.
     * {@code logs: ~/.orrery/logs/spark-train-20261202-151500-4242.log (driver); executors:
     * app-20261202151501-0003/<executor id>/stderr in each Spark worker's work dir}.
     */
    public static String whereLogsAre(Path driverLog, SparkContext sc) {
        return whereLogsAre(driverLog, sc.isLocal(), sc.applicationId());
    }

    static String whereLogsAre(Path driverLog, boolean localMode, String applicationId) {
        // in local mode the executors are threads of the driver and log into its file
        return "logs: " + driverLog + (localMode ? "" : " (driver); executors: " + applicationId
                + "/<executor id>/stderr in each Spark worker's work dir");
    }

    /**
     * Replaces the logging configuration: {@code io.orrery} at INFO and everything else at WARN into {@code file};
     * onto standard error what {@code console} allows.
     */
    static void configure(Path file, Console console) {
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setConfigurationName("orrery-" + console.name().toLowerCase(Locale.ROOT));
        b.setStatusLevel(Level.ERROR);
        b.add(b.newAppender("console", "Console")
                .addAttribute("target", ConsoleAppender.Target.SYSTEM_ERR)
                // whatever System.err is when a line is written, not when the appender was made
                .addAttribute("follow", true)
                .add(b.newLayout("PatternLayout").addAttribute("pattern", CONSOLE_PATTERN)));
        b.add(b.newAppender("file", "File")
                .addAttribute("fileName", file.toString())
                .addAttribute("append", false)
                .add(b.newLayout("PatternLayout").addAttribute("pattern", FILE_PATTERN)));
        Level orreryOnConsole = console == Console.VERBOSE ? Level.INFO : Level.WARN;
        Level othersOnConsole = console == Console.QUIET_LOCAL ? Level.ERROR : Level.WARN;
        b.add(b.newLogger("io.orrery", Level.INFO).addAttribute("additivity", false)
                .add(b.newAppenderRef("file"))
                .add(b.newAppenderRef("console").addAttribute("level", orreryOnConsole)));
        b.add(b.newRootLogger(Level.WARN)
                .add(b.newAppenderRef("file"))
                .add(b.newAppenderRef("console").addAttribute("level", othersOnConsole)));
        Configurator.reconfigure(b.build());
    }

    /** {@value #LOG_DIR_PROPERTY}, else {@value #LOG_DIR_ENV}, else {@code ~/.orrery/logs}. */
    static Path logDirectory() {
        String dir = System.getProperty(LOG_DIR_PROPERTY);
        if (dir == null) {
            dir = System.getenv(LOG_DIR_ENV);
        }
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".orrery", "logs");
    }
}
