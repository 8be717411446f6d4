package io.orrery.spark;

import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.spark.data.Sample;
import io.orrery.spark.exchange.HubExchange;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real multi-JVM cluster on loopback: {@code local-cluster[2,1,1024]} starts a standalone master and two workers
 * in this JVM, and each worker launches an executor in its own JVM; gradients cross process boundaries over
 * {@code aeron:udp} to the parameter server in the driver, or over TCP to the hub worker.
 */
class ClusterTrainingTest {

    private static final List<Sample> TRAIN = MnistSubset.train(2000);
    private static final List<Sample> TEST = MnistSubset.test(1000);

    @TempDir
    Path markers;

    private final SparkSession spark = TestSpark.session("local-cluster[2,1,1024]", ClusterConf.executors());
    private final JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    @AfterAll
    static void stopCluster() {
        TestSpark.stop();
    }

    @Test
    void twoExecutorJvmsTrainOverAeronUdpAndTheDriversModelImproves() {
        SoftmaxRegression model = new SoftmaxRegression(784, 10, 0.5, 21);
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).parameterServer().build();
        JavaRDD<Sample> test = sc.parallelize(TEST, 2);
        double before = trainer.evaluate(model, test).get("accuracy");
        History history = trainer.fit(model, sc.parallelize(TRAIN, 2),
                FitOptions.defaults().epochs(2).batchSize(32).verbose(0));
        double after = trainer.evaluate(model, test).get("accuracy");
        assertTrue(before < 0.3 && after > 0.8, "accuracy before=" + before + " after=" + after);
        assertTrue(history.events().get(0).matches("parameter server: 127\\.0\\.0\\.1:\\d+ \\(in the driver\\)"),
                history.events().toString());
        Set<String> executors = history.events().stream().filter(e -> e.startsWith("worker="))
                .map(e -> e.replaceAll(".*executor=(\\S+).*", "$1")).collect(Collectors.toSet());
        assertTrue(executors.size() == 2 && !executors.contains("driver"), "executors: " + history.events());
    }

    @Test
    void killedWorkerResumesFromTheServersStepAndMatchesSingleNode() {
        List<Sample> data = TRAIN.subList(0, 800);  // 20 steps per epoch of 40
        FitOptions options = FitOptions.defaults().epochs(1).batchSize(40).seed(3).verbose(0);
        // Worker 1's executor JVM halts at its 12th step.
        DyingWorkerModel dying = new DyingWorkerModel(new SoftmaxRegression(784, 10, 0.5, 4), 1, 12,
                markers.resolve("died").toString());
        // The server fails a step whose gradients are missing after its step timeout, which releases the survivor.
        History history = SparkTrainer.builder(spark).workers(2).parameterServer()
                .parameterServerTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(8)).build()
                .fit(dying, sc.parallelize(data, 2), options);

        List<String> retries = history.events().stream().filter(e -> e.contains("retried")).collect(Collectors.toList());
        assertEquals(1, retries.size(), history.toString());
        assertTrue(retries.get(0).matches("epoch=1 stage retried: attempt=\\d resumed at step=1[01] .*"), retries.get(0));
        SoftmaxRegression single = new SoftmaxRegression(784, 10, 0.5, 4);
        GlobalBatchReference.train(single, data, 2, 40, 1, 3);
        double difference = single.parameters().sub(dying.parameters()).amaxNumber().doubleValue();
        assertTrue(difference < 1e-4, "resumed run differs from single-node training by " + difference);
    }

    @Test
    void killedWorkerWithTheHubExchangeRerunsTheEpochAndMatchesSingleNode() {
        List<Sample> data = TRAIN.subList(0, 800);
        FitOptions options = FitOptions.defaults().epochs(2).batchSize(40).seed(3).verbose(0);
        DyingWorkerModel dying = new DyingWorkerModel(new SoftmaxRegression(784, 10, 0.5, 4), 1, 12,
                markers.resolve("died").toString());
        History history = SparkTrainer.builder(spark).workers(2).gradientExchange(HubExchange.factory()).build()
                .fit(dying, sc.parallelize(data, 2), options);

        List<String> retries = history.events().stream().filter(e -> e.contains("retried")).collect(Collectors.toList());
        assertEquals(1, retries.size(), history.toString());
        assertTrue(retries.get(0).startsWith("epoch=1 stage retried: attempt=1 resumed at step=0"), retries.get(0));
        SoftmaxRegression single = new SoftmaxRegression(784, 10, 0.5, 4);
        GlobalBatchReference.train(single, data, 2, 40, 2, 3);
        double difference = single.parameters().sub(dying.parameters()).amaxNumber().doubleValue();
        assertTrue(difference < 1e-4, "retried run differs from single-node training by " + difference);
    }
}
