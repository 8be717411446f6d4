package io.orrery.examples.chaos;

import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.examples.cluster.ExecutorCode;
import io.orrery.examples.spark.MnistSamples;
import io.orrery.ps.TrainingMode;
import io.orrery.spark.SparkTrainer;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The driver JVM of a chaos run on a real Spark cluster: {@code local-cluster[2,1,1024]} (a standalone master and
 * two workers in this JVM, each launching an executor JVM of its own), Orrery's {@link SparkTrainer} with the
 * parameter server in this JVM (its contribution ledger on, by {@code -Dorrery.ps.ledger}), training
 * {@link ChaosModel} on the first {@code samples} MNIST images. The runner ({@link SparkExecutorKill}) kills an
 * executor JVM while it trains; Spark retries the stage on a new executor and the worker rejoins the server.
 *
 * <p>Prints {@code result accuracy=a steps=n retries=r} (test accuracy on the 10,000 MNIST test images, the server's
 * version, the stages Spark retried) and each of the fit's notes as {@code note ...}, or {@code failed <message>} and
 * exits 1. SPARK_HOME must be set in its environment (Spark launches the executors with its jars).
 *
 * <p>Arguments: mode (SYNC, ASYNC, BOUNDED) samples batch epochs.
 */
public final class SparkChaosDriver {

    /** Spark's master: two executor JVMs of one core and 1 GB each. */
    static final String MASTER = "local-cluster[2,1,1024]";
    /** Workers of the fit, one per executor. */
    static final int WORKERS = 2;
    /** Join and step timeouts of the fit: the step timeout releases the survivor of a killed executor. */
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(8);
    /** Test images the accuracy is measured on: all of MNIST's, as the matrix's own jobs. */
    static final int TEST_SAMPLES = 10_000;
    /** UDP frame size of server and workers ({@code UdpSettings}), passed on to the executors. */
    static final String MTU_PROPERTY = "orrery.udp.mtu";

    private SparkChaosDriver() {
    }

    public static void main(String[] args) {
        try {
            System.out.println(run(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Integer.parseInt(args[3])));
            System.exit(0);
        } catch (Throwable e) {
            StringBuilder message = new StringBuilder(e.toString());
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                message.append("; caused by ").append(c);
            }
            System.out.println("failed " + message.toString().replace('\n', ' '));
            System.exit(1);
        }
    }

    /** Trains, and returns the {@code result ...} line. */
    static String run(String mode, int samples, int batch, int epochs) {
        SparkSession.Builder builder = SparkSession.builder().master(MASTER).appName("orrery-chaos-spark")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                // A retried barrier stage waits for the relaunched executor: check for free slots every second.
                .config("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")
                .config("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "60")
                .config("spark.executorEnv.OMP_NUM_THREADS", "1");
        Map<String, String> executors = new LinkedHashMap<>(ExecutorCode.settings(SparkChaosDriver.class));
        // The executors' clients use the frame size this JVM's server does (the runner sets it).
        String mtu = System.getProperty(MTU_PROPERTY);
        if (mtu != null) {
            executors.merge("spark.executor.extraJavaOptions", "-D" + MTU_PROPERTY + "=" + mtu,
                    (flags, more) -> (flags + " " + more).trim());
        }
        executors.forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            TrainTestSplit mnist = ChaosModel.mnist();
            List<Sample> train = MnistSamples.of(mnist.train().samples(0, samples));
            List<Sample> test = MnistSamples.of(mnist.test().samples(0, TEST_SAMPLES));
            Sequential model = ChaosModel.create();
            SparkTrainer trainer = SparkTrainer.builder(spark).workers(WORKERS).mode(mode(mode)).parameterServer()
                    .parameterServerTimeouts(JOIN_TIMEOUT, STEP_TIMEOUT).build();
            JavaRDD<Sample> data = sc.parallelize(train, WORKERS);
            History history = trainer.fit(model, data, FitOptions.defaults().epochs(epochs).batchSize(batch).seed(7)
                    .verbose(0));
            long retries = history.events().stream().filter(e -> e.contains("retried")).count();
            history.events().forEach(e -> System.out.println("note " + e));
            double accuracy = trainer.evaluate(model, sc.parallelize(test, WORKERS)).get("accuracy");
            return String.format(Locale.ROOT, "result accuracy=%.4f retries=%d", accuracy, retries);
        } finally {
            spark.stop();
        }
    }

    /** The chaos matrix's mode names; BOUNDED with the staleness bound the `ps` runs of the matrix use. */
    static TrainingMode mode(String name) {
        return switch (name) {
            case "SYNC" -> TrainingMode.SYNC;
            case "ASYNC" -> TrainingMode.ASYNC;
            case "BOUNDED" -> TrainingMode.bounded(2);
            default -> throw new IllegalArgumentException("Invalid mode: expected one of [SYNC, ASYNC, BOUNDED],"
                    + " received \"" + name + "\"");
        };
    }
}
