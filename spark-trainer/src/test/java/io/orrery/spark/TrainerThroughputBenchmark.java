package io.orrery.spark;

import io.orrery.core.layers.Dense;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.Sequential;
import io.orrery.spark.data.Sample;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Samples/s of the reference MLP (784-512-10, RMSprop, batch 128, one epoch of MNIST) in core's fit and through the
 * trainer in local[1] and local[2], hub and parameter server. A measurement, not a test: run by hand with
 * {@code -Dorrery.bench=true -Dtest=TrainerThroughputBenchmark}.
 */
@EnabledIfSystemProperty(named = "orrery.bench", matches = "true")
class TrainerThroughputBenchmark {

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
    void throughput() {
        int n = Integer.getInteger("orrery.bench.samples", 60000);
        List<Sample> train = MnistSubset.train(n);
        float[] x = new float[n * 784];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(train.get(i).features(), 0, x, i * 784, 784);
            y[i] = train.get(i).label();
        }
        INDArray xs = Nd4j.createFromArray(x).reshape(n, 784);
        INDArray ys = Nd4j.createFromArray(y);
        long t0 = System.nanoTime();
        mlp().fit(xs, ys, 1, 128);
        double core = n / ((System.nanoTime() - t0) / 1e9);
        StringBuilder report = new StringBuilder(String.format("core fit: %.0f samples/s%n", core));
        for (String master : List.of("local[1]", "local[2]")) {
            SparkSession spark = TestSpark.session(master, new SparkConf(false));
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int workers = master.equals("local[1]") ? 1 : 2;
            JavaRDD<Sample> data = sc.parallelize(train, workers);
            for (boolean server : List.of(false, true)) {
                SparkTrainer.Builder builder = SparkTrainer.builder(spark).workers(workers);
                if (server) {
                    builder.parameterServer();
                }
                long s0 = System.nanoTime();
                builder.build().fit(mlp(), data, FitOptions.defaults().epochs(1).batchSize(128).verbose(0));
                double rate = n / ((System.nanoTime() - s0) / 1e9);
                report.append(String.format("%s %s: %.0f samples/s (%.0f%% of core fit, fit call incl. data split)%n",
                        master, server ? "server" : "hub", rate, 100 * rate / core));
            }
        }
        System.out.print(report);
    }
}
