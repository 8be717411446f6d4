package io.orrery.spark;

import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.ps.TrainingMode;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parameter-server shards colocated with the workers ({@link ShardPlacement#COLOCATED}) in {@code local[2]}: each
 * task starts its shard in the executor (here the one local JVM, over {@code aeron:ipc}), and SYNC training stays
 * exact (invariant 2) whatever the placement.
 */
class ColocatedShardsTest {

    private final SparkSession spark = TestSpark.local();
    private final JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    @Test
    void colocatedShardsGiveTheSameParametersAsShardsInTheDriver() {
        List<Sample> data = MnistSubset.train(1000);
        FitOptions options = FitOptions.defaults().epochs(2).batchSize(50).seed(9).verbose(0);
        Sequential colocated = MnistSubset.mlp(1);
        Sequential inDriver = MnistSubset.mlp(1);
        Sequential single = MnistSubset.mlp(1);
        History history = SparkTrainer.builder(spark).workers(2).shardPlacement(ShardPlacement.COLOCATED).build()
                .fit(colocated, sc.parallelize(data, 2), options);
        SparkTrainer.builder(spark).workers(2).shardPlacement(ShardPlacement.DRIVER).build()
                .fit(inDriver, sc.parallelize(data, 2), options);
        GlobalBatchReference.train(new SequentialModel(single), data, 2, 50, 2, 9);

        assertEquals("parameter server: colocated, one shard on each of 2 workers (aeron:ipc)", history.events().get(0));
        double placements = inDriver.parameters().sub(colocated.parameters()).amaxNumber().doubleValue();
        double toSingle = single.parameters().sub(colocated.parameters()).amaxNumber().doubleValue();
        double moved = single.parameters().sub(MnistSubset.mlp(1).parameters()).amaxNumber().doubleValue();
        assertTrue(placements < 1e-5 && toSingle < 1e-4 && moved > 1e-2,
                "colocated vs driver " + placements + ", vs single node " + toSingle + ", max move " + moved);
        // The optimizer state came back from the shards: RMSprop's iterations count every step of both epochs.
        assertEquals(40, colocated.optimizerState().iterations());
        assertEquals(0, inDriver.optimizerState().slots()[0].sub(colocated.optimizerState().slots()[0])
                .amaxNumber().doubleValue(), 1e-6);
        assertTrue(history.get("accuracy").get(1) > 0.7, history.toString());
        // each worker sends its gradient (slice k to shard k) and receives the parameters (slice k from shard k)
        long modelBytes = 4L * colocated.parameters().length();
        assertEquals(2 * 40 * modelBytes, history.stats().get("bytes_sent"), 1e-3, history.stats().toString());
    }

    @Test
    void aLaterFitContinuesFromTheShardsState() {
        List<Sample> data = MnistSubset.train(600);
        FitOptions options = FitOptions.defaults().epochs(1).batchSize(60).seed(5).verbose(0);
        Sequential twice = MnistSubset.mlp(2);
        Sequential single = MnistSubset.mlp(2);
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).shardPlacement(ShardPlacement.COLOCATED).build();
        trainer.fit(twice, sc.parallelize(data, 2), options);
        trainer.fit(twice, sc.parallelize(data, 2), options.seed(6));
        SequentialModel reference = new SequentialModel(single);
        GlobalBatchReference.train(reference, data, 2, 60, 1, 5);
        GlobalBatchReference.train(reference, data, 2, 60, 1, 6);
        double difference = single.parameters().sub(twice.parameters()).amaxNumber().doubleValue();
        assertTrue(difference < 1e-4, "two colocated fits differ from two single-node fits by " + difference);
    }

    @Test
    void colocatedShardsNeedSync() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkTrainer.builder(spark)
                .workers(2).mode(TrainingMode.ASYNC).shardPlacement(ShardPlacement.COLOCATED).build());
        assertTrue(e.getMessage().contains("supports SYNC only, found mode"), e.getMessage());
    }
}
