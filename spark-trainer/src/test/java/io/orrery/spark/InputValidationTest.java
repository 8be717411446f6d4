package io.orrery.spark;

import io.orrery.ps.TrainingMode;
import io.orrery.core.models.FitOptions;
import io.orrery.spark.data.InvalidInputException;
import io.orrery.spark.data.Sample;
import io.orrery.spark.exchange.HubExchange;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputValidationTest {

    private final SparkSession spark = TestSpark.local();
    private final SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).build();
    private final SoftmaxRegression model = new SoftmaxRegression(4, 3, 0.1, 1);
    private final FitOptions options = FitOptions.defaults().batchSize(4).verbose(0);

    private Dataset<Row> rows(List<Row> data, StructType schema) {
        return spark.createDataFrame(data, schema);
    }

    @Test
    void featuresColumnOfWrongTypeIsRejectedBeforeAnyJob() {
        StructType schema = new StructType().add("features", DataTypes.StringType).add("label", DataTypes.IntegerType);
        Dataset<Row> data = rows(List.of(RowFactory.create("1,2,3,4", 0)), schema);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> trainer.fit(model, data, options));
        assertTrue(e.getMessage().contains("expected array<float> or array<double>"), e.getMessage());
        assertTrue(e.getMessage().contains("found string"), e.getMessage());
    }

    @Test
    void labelColumnOfWrongTypeIsRejected() {
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.StringType);
        Dataset<Row> data = rows(List.of(RowFactory.create(new Float[] {1f, 2f, 3f, 4f}, "cat")), schema);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> trainer.fit(model, data, options));
        assertTrue(e.getMessage().contains("expected a class index (int, long, float or double), found string"),
                e.getMessage());
    }

    @Test
    void missingColumnNamesTheColumnsFound() {
        StructType schema = new StructType().add("pixels", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.IntegerType);
        Dataset<Row> data = rows(List.of(RowFactory.create(new Float[] {1f, 2f, 3f, 4f}, 0)), schema);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> trainer.fit(model, data, options));
        assertTrue(e.getMessage().contains("expected a column named \"features\", found columns [pixels, label]"),
                e.getMessage());
        SparkTrainer renamed = SparkTrainer.builder(spark).workers(2).featuresColumn("pixels").build();
        renamed.fit(model, rows(validRows(16, "pixels"), schema), options);
        assertEquals(4, model.iterations(), "16 samples, global batch 4: 4 steps");
    }

    @Test
    void labelOutOfRangeIsReportedWithTheSample() {
        List<Sample> samples = validSamples(16);
        samples.set(5, new Sample(new float[] {1, 2, 3, 4}, 3));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> trainer.fit(model, sc.parallelize(samples, 2), options));
        assertTrue(e.getMessage().contains("Label out of range: expected a class index in [0, 3)"), e.getMessage());
        assertTrue(e.getMessage().contains("found 3 in sample 5"), e.getMessage());
    }

    @Test
    void inputWidthNotMatchingTheModelIsReported() {
        List<Sample> samples = validSamples(16);
        samples.set(9, new Sample(new float[] {1, 2, 3}, 1));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> trainer.fit(model, sc.parallelize(samples, 2), options));
        assertTrue(e.getMessage().contains("Input width does not match the model: expected 4 features"),
                e.getMessage());
        assertTrue(e.getMessage().contains("found 3 in sample 9"), e.getMessage());
    }

    @Test
    void wrongWidthInRowsIsReportedByEvaluateToo() {
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("label", DataTypes.LongType);
        Dataset<Row> data = rows(List.of(RowFactory.create(new Double[] {1.0, 2.0}, 1L)), schema);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> trainer.evaluate(model, data));
        assertTrue(e.getMessage().contains("expected 4 features per sample"), e.getMessage());
    }

    @Test
    void globalBatchMustSplitEvenlyOverWorkers() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(model, sc.parallelize(validSamples(16), 2), options.batchSize(5)));
        assertTrue(e.getMessage().contains("Global batch size 5 is not divisible by 2 workers"), e.getMessage());
    }

    @Test
    void tooLittleDataForOneStepIsReported() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> trainer.fit(model, sc.parallelize(validSamples(3), 2), options));
        assertTrue(e.getMessage().contains("needs at least one batch of 2 samples"), e.getMessage());
    }

    @Test
    void asyncWithTheHubExchangeIsRejectedAtBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkTrainer.builder(spark).workers(2).mode(TrainingMode.ASYNC)
                        .gradientExchange(HubExchange.factory()).build());
        assertTrue(e.getMessage().contains("ASYNC needs the parameter server"), e.getMessage());
        // the default exchange is the parameter server, which takes every mode
        SparkTrainer.builder(spark).workers(2).mode(TrainingMode.ASYNC).build();
        assertEquals(TrainingMode.bounded(3), TrainingMode.parse("Bounded:3"));
        assertThrows(IllegalArgumentException.class, () -> TrainingMode.parse("avg"));
    }

    @Test
    void optionsOnlySequentialFitCanHonourAreClearErrors() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        var data = sc.parallelize(validSamples(40), 2);
        INDArray x = Nd4j.zeros(DataType.FLOAT, 4, 4);
        INDArray y = Nd4j.zeros(DataType.INT32, 4);
        for (FitOptions bad : List.of(options.validationData(x, y), options.validationSplit(0.2), options.shuffle(false))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(model, data, bad));
            assertTrue(e.getMessage().contains("SparkTrainer.fit found") && e.getMessage().contains("expected"),
                    e.getMessage());
        }
    }

    private static List<Sample> validSamples(int n) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Sample(new float[] {i % 3, 1, 0, -1}, i % 3));
        }
        return out;
    }

    private static List<Row> validRows(int n, String unused) {
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(RowFactory.create(new Float[] {(float) (i % 3), 1f, 0f, -1f}, i % 3));
        }
        return out;
    }
}
