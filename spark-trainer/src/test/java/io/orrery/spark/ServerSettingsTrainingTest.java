package io.orrery.spark;

import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.ps.GradientEncoding;
import io.orrery.spark.data.Sample;
import io.orrery.spark.exchange.HubExchange;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver's parameter server configured through the trainer's builder: encodings, shards, checkpoints. */
class ServerSettingsTrainingTest {

    private final SparkSession spark = TestSpark.local();
    private final JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    @Test
    void float16GradientsTrainAndImprove() {
        trainsAndImproves(SparkTrainer.builder(spark).workers(2).gradientEncoding(GradientEncoding.FLOAT16));
    }

    @Test
    void sparseTopKGradientsTrainAndImprove() {
        // top 5% of each chunk, the rest kept in the worker's residual (error feedback)
        trainsAndImproves(SparkTrainer.builder(spark).workers(2).gradientEncoding(GradientEncoding.SPARSE)
                .sparseFraction(0.05));
    }

    @Test
    void shardsAndCheckpointsReachTheServer(@TempDir Path dir) throws IOException {
        Path checkpoints = dir.resolve("ckpt");
        trainsAndImproves(SparkTrainer.builder(spark).workers(2).parameterServerShards(3).checkpoints(checkpoints, 20));
        try (Stream<Path> files = Files.list(checkpoints)) {
            List<String> written = files.map(f -> f.getFileName().toString()).toList();
            // 3000 samples / 64 per step = 46 steps: versions 20 and 40 of each of the 3 shards (older ones pruned)
            for (int shard = 0; shard < 3; shard++) {
                String name = String.format("shard-%04d-of-0003-v000000000040.ckpt", shard);
                assertTrue(written.contains(name), name + " expected, found " + written);
            }
        }
    }

    @Test
    void serverSettingsWithoutTheDriversServerAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkTrainer.builder(spark)
                .gradientExchange(HubExchange.factory()).gradientEncoding(GradientEncoding.SPARSE).build());
        assertTrue(e.getMessage().contains("found a gradientExchange(...)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GradientEncoding.parse("int8"));
        assertEquals("Unknown gradient encoding \"int8\": expected one of float32, float16, bfloat16, sparse",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SparkTrainer.builder(spark).parameterServerShards(0));
    }

    private void trainsAndImproves(SparkTrainer.Builder builder) {
        List<Sample> train = MnistSubset.train(3000);
        List<Sample> test = MnistSubset.test(1000);
        Sequential model = AsyncTrainingTest.mlp(8);
        SparkTrainer trainer = builder.build();
        double before = trainer.evaluate(model, sc.parallelize(test, 2)).get("accuracy");
        History history = trainer.fit(model, sc.parallelize(train, 2),
                FitOptions.defaults().epochs(1).batchSize(64).seed(4).verbose(0));
        double after = trainer.evaluate(model, sc.parallelize(test, 2)).get("accuracy");
        assertTrue(history.events().stream().noneMatch(e -> e.contains("retried")), history.events().toString());
        assertTrue(after > 0.8 && after > before + 0.5, "accuracy before " + before + ", after " + after);
    }
}
