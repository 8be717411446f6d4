package io.orrery.spark;

import io.orrery.spark.data.InputColumns;
import io.orrery.spark.data.InvalidInputException;
import io.orrery.spark.data.Sample;
import io.orrery.spark.data.SampleChecker;
import io.orrery.spark.exec.EvaluateTask;
import io.orrery.spark.exec.PredictTask;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;
import java.util.Map;

/** {@link SparkTrainer}'s evaluation and prediction: the driver's parameters broadcast, the batches on the executors. */
final class Inference {

    private final SparkSession spark;
    private final int batchSize;

    Inference(SparkSession spark, int batchSize) {
        this.spark = spark;
        this.batchSize = batchSize;
    }

    /** Each partition computes loss and metric states, the driver merges them (see {@link SparkTrainer#evaluate}). */
    Map<String, Double> evaluate(ReplicableModel model, JavaRDD<Sample> data) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> parameters = sc.broadcast(model.parameters().toFloatVector());
        try {
            sc.setJobDescription("Orrery evaluate");
            List<Evaluation> parts = data.mapPartitions(new EvaluateTask(ReplicaState.specWithState(model),
                    new SampleChecker(model.inputShape(), model.numClasses()), parameters, batchSize)).collect();
            if (parts.isEmpty()) {
                throw new InvalidInputException("Cannot evaluate on an empty data set: expected at least one sample");
            }
            Evaluation total = parts.get(0);
            for (int i = 1; i < parts.size(); i++) {
                total = total.merge(parts.get(i));
            }
            return total.results();
        } catch (Exception e) {
            throw Failures.unwrap(e);
        } finally {
            parameters.destroy();
            sc.setJobDescription(null);
        }
    }

    /** One float[numClasses] per feature vector, in the input's order. */
    JavaRDD<float[]> predict(ReplicableModel model, JavaRDD<float[]> features) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> parameters = sc.broadcast(model.parameters().toFloatVector());
        return features.mapPartitions(new PredictTask<float[], float[]>(ReplicaState.specWithState(model), model.inputWidth(), parameters,
                batchSize, f -> f, (f, p) -> p));
    }

    /** The rows with {@code probabilities} and {@code prediction} columns added; reads the features at the index. */
    Dataset<Row> predict(ReplicableModel model, Dataset<Row> data, int featuresIndex) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> parameters = sc.broadcast(model.parameters().toFloatVector());
        JavaRDD<Row> rows = data.javaRDD().mapPartitions(new PredictTask<Row, Row>(ReplicaState.specWithState(model), model.inputWidth(),
                parameters, batchSize, row -> InputColumns.floats(row.getList(featuresIndex)), Inference::withPrediction));
        StructType schema = data.schema()
                .add("probabilities", DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("prediction", DataTypes.IntegerType);
        return spark.createDataFrame(rows, schema);
    }

    private static Row withPrediction(Row row, float[] p) {
        Object[] values = new Object[row.size() + 2];
        for (int i = 0; i < row.size(); i++) {
            values[i] = row.get(i);
        }
        Float[] boxed = new Float[p.length];
        int best = 0;
        for (int i = 0; i < p.length; i++) {
            boxed[i] = p[i];
            if (p[i] > p[best]) {
                best = i;
            }
        }
        values[row.size()] = boxed;
        values[row.size() + 1] = best;
        return RowFactory.create(values);
    }
}
