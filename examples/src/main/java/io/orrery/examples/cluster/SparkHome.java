package io.orrery.examples.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Finds a Spark home (a folder whose {@code jars/} holds the Spark jars Orrery is built against) for clusters this
 * machine starts itself ({@code local-cluster[...]}): Spark launches each executor JVM with {@code SPARK_HOME/jars/*}
 * on its classpath. In order: {@code SPARK_HOME}, the home {@code deploy/standalone.sh} assembles
 * ({@code ~/.orrery/spark-VERSION}, or {@code ORRERY_SPARK_HOME}), or that script run once to assemble it from Maven.
 */
public final class SparkHome {

    private SparkHome() {
    }

    /**
     * @param repoDir the Orrery checkout (for {@code deploy/standalone.sh}), or null when there is none
     * @return a Spark home with a {@code jars/} folder holding spark-core for this JVM's Spark version
     */
    public static Path resolve(Path repoDir) throws IOException, InterruptedException {
        String version = org.apache.spark.package$.MODULE$.SPARK_VERSION();
        String env = System.getenv("SPARK_HOME");
        if (env != null && hasSpark(Path.of(env), version)) {
            return Path.of(env);
        }
        String assembled = System.getenv("ORRERY_SPARK_HOME");
        Path home = assembled != null ? Path.of(assembled)
                : Path.of(System.getProperty("user.home"), ".orrery", "spark-" + version);
        if (hasSpark(home, version)) {
            return home;
        }
        Path script = repoDir == null ? null : repoDir.resolve("deploy/standalone.sh");
        if (script == null || !Files.isRegularFile(script)) {
            throw new IllegalStateException("No Spark " + version + " home found for a local cluster: SPARK_HOME="
                    + env + ", and " + home + "/jars has no spark-core_2.12-" + version + ".jar. Run "
                    + "'deploy/standalone.sh home' in the Orrery checkout once (it assembles one from Maven), or "
                    + "set SPARK_HOME to a Spark " + version + " (Scala 2.12) install.");
        }
        Process p = new ProcessBuilder("bash", script.toString(), "home").redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0 || !hasSpark(Path.of(out), version)) {
            throw new IllegalStateException("'" + script + " home' did not give a Spark " + version + " home (exit "
                    + (p.isAlive() ? "none, timed out" : p.exitValue()) + ", printed '" + out + "').");
        }
        return Path.of(out);
    }

    static boolean hasSpark(Path home, String version) {
        return Files.isRegularFile(home.resolve("jars").resolve("spark-core_2.12-" + version + ".jar"));
    }
}
