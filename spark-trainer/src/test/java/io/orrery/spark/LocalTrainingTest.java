package io.orrery.spark;

import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training, evaluation and prediction through the trainer in {@code local[2]}, on real MNIST samples. */
class LocalTrainingTest {

    private static final List<Sample> TRAIN = MnistSubset.train(2048);
    private static final List<Sample> TEST = MnistSubset.test(1000);

    private final SparkSession spark = TestSpark.local();
    private final JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    @Test
    void syncTrainingMatchesSingleNodeOnGlobalBatch() {
        int workers = 2;
        int batch = 64;
        int epochs = 2;
        long seed = 11;
        List<Sample> data = TRAIN.subList(0, 1000);
        SoftmaxRegression distributed = new SoftmaxRegression(784, 10, 0.5, 3);
        SoftmaxRegression single = new SoftmaxRegression(784, 10, 0.5, 3);
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(workers).build();
        History history = trainer.fit(distributed, sc.parallelize(data, 3),
                FitOptions.defaults().epochs(epochs).batchSize(batch).seed(seed).verbose(0));

        // The same global batches in one process (worker 0's batch s, then worker 1's, of their shares).
        GlobalBatchReference.train(single, data, workers, batch, epochs, seed);
        assertEquals(List.of(0, 1), history.epochs());
        assertEquals(single.iterations(), distributed.iterations(), "optimizer state carried between epochs");
        INDArray difference = single.parameters().sub(distributed.parameters());
        double maxDifference = Math.abs(difference.maxNumber().doubleValue()) + Math.abs(difference.minNumber().doubleValue());
        assertTrue(maxDifference < 1e-5, "parameters differ from single-node training by " + maxDifference);
        assertTrue(single.parameters().norm2Number().doubleValue() > 1, "training moved the parameters");
    }

    @Test
    void trainingImprovesAccuracyAndPrintsAProgressLinePerEpoch() {
        SoftmaxRegression model = new SoftmaxRegression(784, 10, 0.5, 5);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(2)
                .progressTo(new PrintStream(out, true, StandardCharsets.UTF_8)).build();
        JavaRDD<Sample> test = sc.parallelize(TEST, 2);
        double before = trainer.evaluate(model, test).get("accuracy");
        History history = trainer.fit(model, sc.parallelize(TRAIN, 2),
                FitOptions.defaults().epochs(2).batchSize(32).validation(() -> trainer.evaluate(model, test)));
        double after = trainer.evaluate(model, test).get("accuracy");
        assertTrue(before < 0.3 && after > 0.8, "accuracy before=" + before + " after=" + after);
        assertEquals(List.of("loss", "val_loss", "val_accuracy"), new ArrayList<>(history.history().keySet()));
        assertEquals(2, history.history().get("val_accuracy").size());
        assertEquals(after, history.history().get("val_accuracy").get(1), 1e-12);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("Epoch 1/2") && printed.contains("Epoch 2/2"), printed);
        assertTrue(printed.matches("(?s).*64/64 \\[=+\\] - [0-9.]+s - [0-9]+ samples/s - loss: [0-9.]+ - val_loss: "
                + "[0-9.]+ - val_accuracy: [0-9.]+.*"), printed);
    }

    @Test
    void distributedEvaluationEqualsInProcessEvaluation() {
        SoftmaxRegression model = new SoftmaxRegression(784, 10, 0.5, 7);
        model.parameters().muli(20);  // a model with some spread in its answers
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).evalBatchSize(100).build();
        Map<String, Double> distributed = trainer.evaluate(model, sc.parallelize(TEST, 3));
        float[] x = new float[TEST.size() * 784];
        float[] y = new float[TEST.size()];
        for (int i = 0; i < TEST.size(); i++) {
            System.arraycopy(TEST.get(i).features(), 0, x, i * 784, 784);
            y[i] = TEST.get(i).label();
        }
        Map<String, Double> local = model.evaluate(Nd4j.createFromArray(x).reshape(TEST.size(), 784),
                Nd4j.createFromArray(y)).results();
        assertEquals(local.get("accuracy"), distributed.get("accuracy"), 0.0);
        assertEquals(local.get("loss"), distributed.get("loss"), 1e-6 * local.get("loss"));
    }

    @Test
    void predictOnRowsAddsProbabilitiesAndPredictionInInputOrder() {
        SoftmaxRegression model = new SoftmaxRegression(784, 10, 0.5, 9);
        model.parameters().muli(50);
        StructType schema = new StructType().add("id", DataTypes.IntegerType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            float[] f = TEST.get(i).features();
            Float[] boxed = new Float[f.length];
            for (int j = 0; j < f.length; j++) {
                boxed[j] = f[j];
            }
            rows.add(RowFactory.create(i, boxed));
        }
        Dataset<Row> data = spark.createDataFrame(rows, schema).repartition(3).sortWithinPartitions("id");
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).evalBatchSize(8).build();
        List<Row> predicted = trainer.predict(model, data).collectAsList();
        assertEquals(50, predicted.size());
        for (Row row : predicted) {
            int id = row.getInt(0);
            INDArray expected = model.predict(Nd4j.createFromArray(TEST.get(id).features()).reshape(1, 784));
            List<Float> probabilities = row.getList(2);
            float[] p = new float[probabilities.size()];
            for (int j = 0; j < p.length; j++) {
                p[j] = probabilities.get(j);
            }
            assertArrayEquals(expected.toFloatVector(), p, 1e-6f);
            assertEquals(expected.argMax(1).getInt(0), row.getInt(3));
        }
    }
}
