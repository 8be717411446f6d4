package io.orrery.spark;

import io.orrery.core.models.History;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real multi-JVM cluster on loopback: {@code local-cluster[2,1,1024]} starts a standalone master and two workers
 * in this JVM, and each worker launches an executor in its own JVM; gradients cross process boundaries.
 */
class ClusterTrainingTest {

    private static final List<Sample> TRAIN = MnistSubset.train(2000);
    private static final List<Sample> TEST = MnistSubset.test(1000);

    private final SparkSession spark = TestSpark.session("local-cluster[2,1,1024]", ClusterConf.executors());
    private final JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    @AfterAll
    static void stopCluster() {
        TestSpark.stop();
    }

    @Test
    void twoExecutorJvmsTrainAndTheDriversModelImproves() {
        SoftmaxRegression model = new SoftmaxRegression(784, 10, 0.5, 21);
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).build();
        JavaRDD<Sample> test = sc.parallelize(TEST, 2);
        double before = trainer.evaluate(model, test).get("accuracy");
        History history = trainer.fit(model, sc.parallelize(TRAIN, 2),
                FitOptions.defaults().epochs(1).batchSize(32).verbose(false));
        double after = trainer.evaluate(model, test).get("accuracy");
        assertTrue(before < 0.3 && after > 0.8, "accuracy before=" + before + " after=" + after);
        assertEquals(62, model.iterations());
        assertTrue(history.events().stream().anyMatch(e -> e.startsWith("worker=1 executor=")), history.toString());
        Set<String> executors = sc.parallelize(List.of(1, 2, 3, 4), 4)
                .map(i -> org.apache.spark.SparkEnv.get().executorId()).collect().stream().collect(Collectors.toSet());
        assertTrue(executors.size() == 2 && !executors.contains("driver"), "executors: " + executors);
    }

    @Test
    void killedWorkerRetriesTheStageAndTrainingMatchesAnUninterruptedRun() {
        FitOptions options = FitOptions.defaults().epochs(2).batchSize(40).seed(3).verbose(false);
        List<Sample> data = TRAIN.subList(0, 800);  // 20 steps per epoch
        SoftmaxRegression reference = new SoftmaxRegression(784, 10, 0.5, 4);
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).build();
        trainer.fit(reference, sc.parallelize(data, 2), options);

        // Worker 1's executor JVM halts at global step 30, in the middle of the second epoch.
        DyingWorkerModel dying = new DyingWorkerModel(new SoftmaxRegression(784, 10, 0.5, 4), 1, 30);
        History history = trainer.fit(dying, sc.parallelize(data, 2), options);

        List<String> retries = history.events().stream().filter(e -> e.contains("retried")).collect(Collectors.toList());
        assertEquals(1, retries.size(), history.toString());
        assertTrue(retries.get(0).startsWith("epoch=2 stage retried: attempt=1"), retries.get(0));
        assertEquals(40, dying.inner().iterations());
        double difference = reference.parameters().sub(dying.parameters()).norm1Number().doubleValue();
        assertTrue(difference < 1e-3, "retried run differs from the uninterrupted one by " + difference);
    }
}
