package io.orrery.spark;

import io.orrery.core.layers.BatchNormalization;
import io.orrery.core.layers.Dense;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.Sequential;
import io.orrery.spark.data.Sample;
import io.orrery.spark.exec.EpochOrder;
import io.orrery.spark.exec.WorkerSplit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BatchNormalization's moving statistics with N workers (docs/spark-trainer.md): each replica updates its own from its
 * own batches, the driver averages them after each epoch and the next epoch's replicas start from the average.
 */
class BatchNormalizationTrainingTest {

    private static final int WIDTH = 6;
    private static final double MOMENTUM = 0.9;

    private final SparkSession spark = TestSpark.local();
    private final JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    /** BatchNormalization first: its batch statistics are those of the raw inputs, whatever the trained weights do. */
    private static Sequential model() {
        Sequential model = new Sequential(List.of(
                new BatchNormalization(-1, MOMENTUM, 1e-3, true, true), new Dense(3, "softmax")));
        model.setSeed(2);
        model.build(WIDTH);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        return model;
    }

    /** The two halves (the two workers' shares) differ in mean, so one worker's statistics are not the average. */
    private static List<Sample> data(int n) {
        Random random = new Random(11);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[WIDTH];
            for (int j = 0; j < WIDTH; j++) {
                x[j] = (float) (random.nextGaussian() * (j + 1) + j + (i < n / 2 ? 2 : 0));
            }
            samples.add(new Sample(x, random.nextInt(3)));
        }
        return samples;
    }

    @Test
    void movingStatisticsAreTheMeanOfEachWorkersOwnOverItsShare() {
        int workers = 2;
        int batch = 40;
        int epochs = 2;
        long seed = 4;
        List<Sample> data = data(400);
        Sequential distributed = model();

        SparkTrainer trainer = SparkTrainer.builder(spark).workers(workers).build();
        trainer.fit(distributed, sc.parallelize(data, 2),
                FitOptions.defaults().epochs(epochs).batchSize(batch).seed(seed).verbose(0));

        double[][] perWorkerAfterFirstEpoch = new double[workers][];
        double[] expected = expectedMovingStatistics(data, workers, batch, epochs, seed, perWorkerAfterFirstEpoch);
        float[] actual = distributed.nonTrainableParameters().toFloatVector();
        assertEquals(2 * WIDTH, actual.length, "moving_mean then moving_variance");
        double initialDistance = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), "value " + i);
            initialDistance = Math.max(initialDistance, Math.abs(expected[i] - (i < WIDTH ? 0 : 1)));
        }
        assertTrue(initialDistance > 0.5, "the statistics moved from (0, 1): " + initialDistance);
        // Averaging is what happened: either worker alone would have ended elsewhere after the first epoch already.
        double apart = Math.abs(perWorkerAfterFirstEpoch[0][0] - perWorkerAfterFirstEpoch[1][0]);
        assertTrue(apart > 0.1, "the workers' own moving means differ: " + apart);
    }

    @Test
    void distributedEvaluationUsesTheAveragedMovingStatistics() {
        List<Sample> data = data(400);
        Sequential model = model();
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).evalBatchSize(64).build();
        trainer.fit(model, sc.parallelize(data, 2), FitOptions.defaults().epochs(1).batchSize(40).seed(3).verbose(0));

        float[] x = new float[data.size() * WIDTH];
        float[] y = new float[data.size()];
        for (int i = 0; i < data.size(); i++) {
            System.arraycopy(data.get(i).features(), 0, x, i * WIDTH, WIDTH);
            y[i] = data.get(i).label();
        }
        INDArray features = Nd4j.createFromArray(x).reshape(data.size(), WIDTH);
        Map<String, Double> local = model.evaluate(features, Nd4j.createFromArray(y));
        Map<String, Double> distributed = trainer.evaluate(model, sc.parallelize(data, 3));
        assertEquals(local.get("loss"), distributed.get("loss"), 1e-5);
        assertEquals(local.get("accuracy"), distributed.get("accuracy"), 0.0);
    }

    /**
     * Replays what each worker's BatchNormalization sees (its share, in {@link EpochOrder}) in float64: per step
     * {@code moving = moving * momentum + batch * (1 - momentum)} with the batch's mean and biased variance; after
     * each epoch the workers' values are averaged and the next epoch starts from the average.
     *
     * @return moving_mean then moving_variance after the last epoch
     */
    private static double[] expectedMovingStatistics(List<Sample> data, int workers, int batch, int epochs, long seed,
                                                     double[][] perWorkerAfterFirstEpoch) {
        List<List<Sample>> shares = new ArrayList<>();
        for (int k = 0; k < workers; k++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < data.size(); i++) {
            shares.get(WorkerSplit.workerOf(i, data.size(), workers)).add(data.get(i));
        }
        int perWorker = batch / workers;
        int steps = shares.stream().mapToInt(List::size).min().orElse(0) / perWorker;
        double[] start = new double[2 * WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            start[WIDTH + j] = 1;
        }
        for (int epoch = 0; epoch < epochs; epoch++) {
            double[] sum = new double[2 * WIDTH];
            for (int k = 0; k < workers; k++) {
                double[] moving = start.clone();
                int[] order = EpochOrder.permutation(shares.get(k).size(), seed, epoch, k);
                for (int s = 0; s < steps; s++) {
                    for (int j = 0; j < WIDTH; j++) {
                        double mean = 0;
                        for (int i = 0; i < perWorker; i++) {
                            mean += shares.get(k).get(order[s * perWorker + i]).features()[j];
                        }
                        mean /= perWorker;
                        double variance = 0;
                        for (int i = 0; i < perWorker; i++) {
                            double d = shares.get(k).get(order[s * perWorker + i]).features()[j] - mean;
                            variance += d * d;
                        }
                        variance /= perWorker;
                        moving[j] = moving[j] * MOMENTUM + mean * (1 - MOMENTUM);
                        moving[WIDTH + j] = moving[WIDTH + j] * MOMENTUM + variance * (1 - MOMENTUM);
                    }
                }
                if (epoch == 0) {
                    perWorkerAfterFirstEpoch[k] = moving.clone();
                }
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += moving[i];
                }
            }
            for (int i = 0; i < sum.length; i++) {
                start[i] = sum[i] / workers;
            }
        }
        return start;
    }
}
