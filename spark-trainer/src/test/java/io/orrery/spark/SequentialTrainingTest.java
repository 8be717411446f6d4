package io.orrery.spark;

import io.orrery.core.layers.Dense;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Core's Sequential trained through the trainer in {@code local[2]}, against core's own single-process training. */
class SequentialTrainingTest {

    private final SparkSession spark = TestSpark.local();
    private final JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    private static Sequential mlp(int hidden, long seed) {
        Sequential model = new Sequential(List.of(new Dense(hidden, "relu"), new Dense(10, "softmax")));
        model.setSeed(seed);
        model.build(784);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        return model;
    }

    private static INDArray features(List<Sample> samples) {
        float[] x = new float[samples.size() * 784];
        for (int i = 0; i < samples.size(); i++) {
            System.arraycopy(samples.get(i).features(), 0, x, i * 784, 784);
        }
        return Nd4j.createFromArray(x).reshape(samples.size(), 784);
    }

    private static INDArray labels(List<Sample> samples) {
        float[] y = new float[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            y[i] = samples.get(i).label();
        }
        return Nd4j.createFromArray(y);
    }

    @Test
    void syncTrainingOfSequentialMatchesSingleNodeOnGlobalBatch() {
        int workers = 2;
        int batch = 50;
        long seed = 5;
        List<Sample> data = MnistSubset.train(1000);
        Sequential distributed = mlp(32, 1);
        Sequential single = mlp(32, 1);
        assertEquals(0.0, single.parameters().sub(distributed.parameters()).norm1Number().doubleValue());

        SparkTrainer.builder(spark).workers(workers).build().fit(distributed, sc.parallelize(data, 2),
                FitOptions.defaults().epochs(1).batchSize(batch).seed(seed).verbose(0));

        GlobalBatchReference.train(new SequentialModel(single), data, workers, batch, 1, seed);
        assertEquals(20, single.optimizerState().iterations());
        assertEquals(20, distributed.optimizerState().iterations(), "optimizer state came back to the driver");
        double difference = single.parameters().sub(distributed.parameters()).amaxNumber().doubleValue();
        double moved = single.parameters().sub(mlp(32, 1).parameters()).amaxNumber().doubleValue();
        assertTrue(difference < 1e-4 && moved > 1e-2, "max difference " + difference + ", max move " + moved);
    }

    @Test
    void mnistMlpReachesCoreFitAccuracyWithinHalfAPoint() {
        List<Sample> train = MnistSubset.train(30000);
        List<Sample> test = MnistSubset.test(10000);
        INDArray xTest = features(test);
        INDArray yTest = labels(test);

        Sequential core = mlp(128, 7);
        long started = System.nanoTime();
        // seeded: core's fit shuffles with System.nanoTime() otherwise (measured 0.9435..0.9504 across runs)
        core.fit(features(train), labels(train), FitOptions.defaults().epochs(2).batchSize(64).seed(1).verbose(0));
        double coreSeconds = (System.nanoTime() - started) / 1e9;
        double coreAccuracy = core.evaluate(xTest, yTest).get("accuracy");

        Sequential spark2 = mlp(128, 7);
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).build();
        started = System.nanoTime();
        History history = trainer.fit(spark2, sc.parallelize(train, 2),
                FitOptions.defaults().epochs(2).batchSize(64).seed(1));
        double sparkSeconds = (System.nanoTime() - started) / 1e9;
        double sparkAccuracy = spark2.evaluate(xTest, yTest).get("accuracy");
        System.out.printf("core fit: %.2f s, acc %.4f; local[2] trainer: %.2f s, acc %.4f%n", coreSeconds,
                coreAccuracy, sparkSeconds, sparkAccuracy);

        assertTrue(Math.abs(coreAccuracy - sparkAccuracy) <= 0.005, "core " + coreAccuracy + " spark " + sparkAccuracy);
        assertTrue(sparkAccuracy > 0.9, "accuracy " + sparkAccuracy);
        assertEquals(2, history.get("loss").size());
        assertTrue(history.get("accuracy").get(1) > 0.9, history.toString());
    }

    @Test
    void distributedEvaluationOfSequentialEqualsCoreEvaluate() {
        Sequential model = mlp(64, 3);
        assumeTrue(hasMergeableMetrics(model), "core's Metric.merge has not landed on this branch yet");
        List<Sample> test = MnistSubset.test(3000);
        model.fit(features(MnistSubset.train(2000)), labels(MnistSubset.train(2000)), 1, 64);
        Map<String, Double> local = model.evaluate(features(test), labels(test));
        Map<String, Double> distributed = SparkTrainer.builder(spark).workers(2).evalBatchSize(128).build()
                .evaluate(model, sc.parallelize(test, 3));
        assertEquals(local.keySet(), distributed.keySet());
        assertEquals(local.get("accuracy"), distributed.get("accuracy"), 0.0);
        assertEquals(local.get("loss"), distributed.get("loss"), 1e-6);
    }

    @Test
    void distributedEvaluationWithoutMergeableMetricsFailsOnTheDriverWithAClearMessage() {
        Sequential model = mlp(16, 3);
        assumeFalse(hasMergeableMetrics(model), "core has mergeable metrics: nothing to refuse");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> SparkTrainer
                .builder(spark).workers(2).build().evaluate(model, sc.parallelize(MnistSubset.test(10), 2)));
        assertTrue(e.getMessage().contains("has no merge(Metric)"), e.getMessage());
    }

    private static boolean hasMergeableMetrics(Sequential model) {
        try {
            model.metrics().get(0).getClass().getMethod("merge", io.orrery.core.metrics.Metric.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
