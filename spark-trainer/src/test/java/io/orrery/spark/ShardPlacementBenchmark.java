package io.orrery.spark;

import io.orrery.core.layers.Dense;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.List;

/**
 * Samples/s of the reference MLP (784-512-10, RMSprop, batch 128) on {@code local-cluster[2,1,2048]} (two executor
 * JVMs, UDP on loopback) with the shards in the driver and colocated on the executors, alternating placements
 * so that both see the same machine load. A measurement, not a test: run by hand with
 * {@code -Dorrery.bench=true -Dtest=ShardPlacementBenchmark} ({@code -Dorrery.bench.samples}, default 20000;
 * {@code -Dorrery.bench.rounds}, default 1).
 */
@EnabledIfSystemProperty(named = "orrery.bench", matches = "true")
class ShardPlacementBenchmark {

    @AfterAll
    static void stop() {
        TestSpark.stop();
    }

    private static Sequential mlp() {
        Sequential model = new Sequential(List.of(new Dense(512, "relu"), new Dense(10, "softmax")));
        model.setSeed(1);
        model.build(784);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        return model;
    }

    @Test
    void driverAgainstColocated() {
        int n = Integer.getInteger("orrery.bench.samples", 20000);
        int rounds = Integer.getInteger("orrery.bench.rounds", 1);
        SparkSession spark = TestSpark.session("local-cluster[2,1,2048]", ClusterConf.executors());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Sample> data = sc.parallelize(MnistSubset.train(n), 2).cache();
        data.count();
        JavaRDD<Sample> test = sc.parallelize(MnistSubset.test(2000), 2).cache();
        StringBuilder report = new StringBuilder();
        for (int round = 0; round < rounds; round++) {
            for (ShardPlacement placement : ShardPlacement.values()) {
                SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).shardPlacement(placement)
                        .progressTo(System.out, false).build();
                Sequential model = mlp();
                long t0 = System.nanoTime();
                History history = trainer.fit(model, data, FitOptions.defaults().epochs(2).batchSize(128).seed(1));
                double seconds = (System.nanoTime() - t0) / 1e9;
                double accuracy = trainer.evaluate(model, test).get("accuracy");
                report.append(String.format("round %d %s: fit %.1f s for 2 epochs of %d samples (%.0f samples/s incl."
                                + " split and per-epoch start), test accuracy %.4f, %s%n", round + 1, placement, seconds,
                        n, 2.0 * n / seconds, accuracy, history.stats()));
            }
        }
        System.out.print(report);
    }
}
