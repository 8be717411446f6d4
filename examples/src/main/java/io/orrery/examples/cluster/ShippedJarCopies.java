package io.orrery.examples.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a Spark session and, on {@code local-cluster[...]}, removes the copies of the shipped jar that each executor
 * fetched into its work folder ({@code SPARK_HOME/work/APP/N/*.jar}, about 350 MB per executor for the examples
 * jar). Spark keeps those folders for their logs and never removes them, so repeated benchmark or chaos runs filled
 * the disk (36 GB in one day here). The executors' logs ({@code stderr}, {@code stdout}) stay.
 */
public final class ShippedJarCopies {

    private static final Logger LOG = LoggerFactory.getLogger(ShippedJarCopies.class);

    private ShippedJarCopies() {
    }

    /** Stops {@code spark}; then, if its master was a local cluster, removes the executors' jar copies. */
    public static void stopAndRemove(SparkSession spark) {
        String master = spark.sparkContext().master();
        String appId = spark.sparkContext().applicationId();
        spark.stop();
        if (!master.startsWith("local-cluster")) {
            return; // a real cluster's work folders are on its hosts, and its workers' cleanup settings own them
        }
        // LocalSparkCluster's workers use this JVM's SPARK_HOME (or the working folder) and its work/ below it.
        String home = System.getenv().getOrDefault("SPARK_HOME", ".");
        try {
            List<Path> removed = remove(Path.of(home, "work", appId));
            LOG.debug("removed {} executor jar copies of {}", removed.size(), appId);
        } catch (UncheckedIOException e) {
            LOG.warn("could not remove the executors' jar copies under {}/work/{}: {}", home, appId,
                    e.getCause().getMessage());
        }
    }

    /** Removes every {@code *.jar} one level below {@code appDir} (one folder per executor); returns them. */
    static List<Path> remove(Path appDir) {
        if (!Files.isDirectory(appDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(appDir, 2)) {
            List<Path> jars = files.filter(p -> p.getNameCount() == appDir.getNameCount() + 2)
                    .filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .collect(Collectors.toList());
            for (Path jar : jars) {
                Files.delete(jar);
            }
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
