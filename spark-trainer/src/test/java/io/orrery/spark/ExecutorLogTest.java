package io.orrery.spark;

import io.orrery.core.models.FitOptions;
import io.orrery.core.layers.Dense;
import io.orrery.core.models.Sequential;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Executors in their own JVMs log Orrery's lines through Spark's own logging backend, as on a real cluster: a Spark
 * worker writes each executor's standard error to {@code <work dir>/<app id>/<executor id>/stderr}, and that file
 * must hold the worker's join line. The executors get Spark, SLF4J and Log4j only from SPARK_HOME/jars and no logging
 * configuration of Orrery's (not the tests' log4j2-test.properties), so Spark's defaults apply, as under
 * {@code spark-submit}. An SLF4J 1.x API among those jars (as the Spark home assembled by deploy/ once had) makes
 * SLF4J fall back to no-operation and fails this test.
 */
class ExecutorLogTest {

    @AfterAll
    static void stopCluster() {
        TestSpark.stop();
    }

    @Test
    void eachExecutorsStderrInTheWorkersWorkDirHoldsOrrerysJoinLine() throws IOException {
        Path sparkHome = Path.of(System.getenv("SPARK_HOME"));
        SparkConf conf = ClusterConf.executors().set("spark.executor.extraClassPath", applicationClassPath(sparkHome));
        SparkSession spark = TestSpark.session("local-cluster[2,1,1024]", conf);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        Sequential model = new Sequential(List.of(new Dense(10, "softmax")));
        model.setSeed(5);
        model.build(784);
        model.compile("sgd", "sparse_categorical_crossentropy", "accuracy");
        SparkTrainer.builder(spark).workers(2).parameterServer().build().fit(new SequentialModel(model),
                sc.parallelize(MnistSubset.train(400), 2), FitOptions.defaults().epochs(1).batchSize(40).verbose(0));

        // local-cluster's workers use SPARK_HOME/work as their work dir, as standalone workers do by default
        Path appDir = sparkHome.resolve("work").resolve(sc.sc().applicationId());
        List<Path> stderrs;
        try (Stream<Path> files = Files.walk(appDir)) {
            stderrs = files.filter(p -> p.getFileName().toString().equals("stderr")).sorted().toList();
        }
        assertEquals(2, stderrs.size(), "one stderr per executor under " + appDir + ": " + stderrs);
        for (Path stderr : stderrs) {
            String log = Files.readString(stderr);
            assertFalse(log.contains("StaticLoggerBinder") || log.contains("NOP"), stderr + " shows SLF4J without a "
                    + "provider:\n" + log);
            assertTrue(log.lines().anyMatch(l -> l.matches(".*INFO.*joined parameter server.*workerId=\\d.*")),
                    stderr + " has no INFO join line of Orrery's:\n" + log);
        }
    }

    /**
     * This JVM's classpath without the test classes and without any jar SPARK_HOME/jars already has: what a
     * cluster's executor sees of an application jar next to the Spark installation's own jars.
     */
    private static String applicationClassPath(Path sparkHome) throws IOException {
        Set<String> sparkJars;
        try (Stream<Path> jars = Files.list(sparkHome.resolve("jars"))) {
            sparkJars = jars.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes"))
                .filter(entry -> !sparkJars.contains(Path.of(entry).getFileName().toString()))
                .collect(Collectors.joining(File.pathSeparator));
    }
}
