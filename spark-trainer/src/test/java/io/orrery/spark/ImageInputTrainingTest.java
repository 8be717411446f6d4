package io.orrery.spark;

import io.orrery.core.layers.Conv2D;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.Flatten;
import io.orrery.core.layers.MaxPooling2D;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.Sequential;
import io.orrery.spark.data.InvalidInputException;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rank-4 models on Spark: flat 784-float MNIST rows reshaped to the model's (28, 28, C) input on the executors. */
class ImageInputTrainingTest {

    private final SparkSession spark = TestSpark.local();
    private final JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    private static Sequential convnet(long channels) {
        Sequential model = new Sequential(List.of(new Conv2D(4, 3, "relu"), new MaxPooling2D(2), new Flatten(),
                new Dense(10, "softmax")));
        model.setSeed(6);
        model.build(28, 28, channels);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        return model;
    }

    @Test
    void syncConvnetOnFlatRowsMatchesSingleNodeOnGlobalBatch() {
        int workers = 2;
        int batch = 40;
        long seed = 8;
        List<Sample> data = MnistSubset.train(400);
        Sequential distributed = convnet(1);
        Sequential single = convnet(1);

        SparkTrainer.builder(spark).workers(workers).build().fit(distributed, sc.parallelize(data, 2),
                FitOptions.defaults().epochs(1).batchSize(batch).seed(seed).verbose(0));

        GlobalBatchReference.train(new SequentialModel(single), data, workers, batch, 1, seed);
        assertEquals(10, distributed.optimizerState().iterations());
        double difference = single.parameters().sub(distributed.parameters()).amaxNumber().doubleValue();
        double moved = single.parameters().sub(convnet(1).parameters()).amaxNumber().doubleValue();
        assertTrue(difference < 1e-4 && moved > 1e-2, "max difference " + difference + ", max move " + moved);
    }

    @Test
    void rowsThatDoNotFitTheModelsInputShapeAreReportedWithBothShapes() {
        Sequential rgb = convnet(3);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> SparkTrainer.builder(spark)
                .workers(2).build().fit(rgb, sc.parallelize(MnistSubset.train(16), 2),
                        FitOptions.defaults().epochs(1).batchSize(4).verbose(0)));
        assertTrue(e.getMessage().contains("expected 2352 features per sample, reshaped row-major (channels last) "
                + "to the model's input shape (28, 28, 3)"), e.getMessage());
        // Which sample is named depends on which worker's partition is checked first.
        assertTrue(e.getMessage().contains("found 784 features (shape (784,)) in sample "), e.getMessage());
    }
}
