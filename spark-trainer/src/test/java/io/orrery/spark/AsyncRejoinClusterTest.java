package io.orrery.spark;

import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.ps.TrainingMode;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ASYNC and BOUNDED on a real multi-JVM cluster ({@code local-cluster[2,1,1024]}) survive a lost executor: worker 1's
 * executor JVM exits at its 12th gradient, Spark retries the barrier stage, and the retried tasks rejoin the server in
 * the driver under their ids. Each goes on with the step numbers its id had not used (the server drops a used one as
 * late, which before numbered from 0 again and timed out) and skips the batches already applied, so the server
 * applies every worker's gradient of each of the epoch's steps exactly once.
 */
class AsyncRejoinClusterTest {

    private static final List<Sample> TRAIN = MnistSubset.train(800); // 20 steps of 40 per worker pair
    private static final List<Sample> TEST = MnistSubset.test(1000);
    private static final int WORKERS = 2;
    private static final int STEPS = 20;

    @TempDir
    Path markers;

    private final SparkSession spark = TestSpark.session("local-cluster[2,1,1024]", ClusterConf.executors());
    private final JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    @AfterAll
    static void stopCluster() {
        TestSpark.stop();
    }

    @Test
    void asyncWorkerRejoiningAfterItsExecutorDiedGoesOnWithItsOwnSteps() {
        killedWorkerRejoinsAndEveryGradientIsAppliedOnce(TrainingMode.ASYNC);
    }

    @Test
    void boundedWorkerRejoiningAfterItsExecutorDiedGoesOnWithItsOwnSteps() {
        killedWorkerRejoinsAndEveryGradientIsAppliedOnce(TrainingMode.bounded(2));
    }

    private void killedWorkerRejoinsAndEveryGradientIsAppliedOnce(TrainingMode mode) {
        FitOptions options = FitOptions.defaults().epochs(1).batchSize(40).seed(3).verbose(0);
        // Worker 1's executor JVM exits while computing its 12th gradient (step 11): steps 0..10 were applied.
        DyingWorkerModel dying = new DyingWorkerModel(new SoftmaxRegression(784, 10, 0.5, 4), 1, 12,
                markers.resolve("died").toString());
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(WORKERS).mode(mode)
                .parameterServerTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(8)).build();
        double before = trainer.evaluate(dying, sc.parallelize(TEST, WORKERS)).get("accuracy");
        History history = trainer.fit(dying, sc.parallelize(TRAIN, WORKERS), options);

        List<String> events = history.events();
        List<String> retries = events.stream().filter(e -> e.contains("retried")).collect(Collectors.toList());
        assertEquals(1, retries.size(), events.toString());
        // One shard: the server applied the epoch's gradients, one per worker and step, none twice, none lost.
        String stats = events.stream().filter(e -> e.startsWith("epoch=1 " + mode + " staleness:")).findFirst()
                .orElseThrow(() -> new AssertionError("no staleness event: " + events));
        assertTrue(stats.contains(" stepsApplied=" + WORKERS * STEPS + " "), stats);
        // One epoch of 20 ASYNC steps: measured 0.62 (BOUNDED) and 0.77 (ASYNC) from about 0.1.
        double after = trainer.evaluate(dying, sc.parallelize(TEST, WORKERS)).get("accuracy");
        assertTrue(after > before + 0.4, mode + ": accuracy before " + before + ", after the retried epoch " + after);
    }
}
