package io.orrery.spark;

import io.orrery.core.layers.Dense;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.spark.data.Sample;
import io.orrery.spark.exchange.ExchangeException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training through the Aeron parameter server started in the driver ({@code aeron:ipc} in {@code local[2]}). */
class ParameterServerTrainingTest {

    private final SparkSession spark = TestSpark.local();
    private final JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    private static Sequential mlp(long seed) {
        Sequential model = new Sequential(List.of(new Dense(32, "relu"), new Dense(10, "softmax")));
        model.setSeed(seed);
        model.build(784);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        return model;
    }

    @Test
    void syncTrainingThroughTheServerMatchesSingleNodeOnGlobalBatch() {
        List<Sample> data = MnistSubset.train(1000);
        Sequential distributed = mlp(1);
        Sequential single = mlp(1);
        History history = SparkTrainer.builder(spark).workers(2).parameterServer().build().fit(distributed,
                sc.parallelize(data, 2), FitOptions.defaults().epochs(2).batchSize(50).seed(9).verbose(false));
        GlobalBatchReference.train(new SequentialModel(single), data, 2, 50, 2, 9);

        assertTrue(history.events().get(0).startsWith("parameter server: aeron:ipc"), history.events().toString());
        double difference = single.parameters().sub(distributed.parameters()).amaxNumber().doubleValue();
        double moved = single.parameters().sub(mlp(1).parameters()).amaxNumber().doubleValue();
        assertTrue(difference < 1e-4 && moved > 1e-2, "max difference " + difference + ", max move " + moved);
        assertEquals(2, history.get("loss").size());
        assertTrue(history.get("accuracy").get(1) > 0.7, history.toString());
    }

    @Test
    void unreachableServerFailsWithItsAddress() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();  // nothing listens there once the probe is closed
        }
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).parameterServer("127.0.0.1", port, 1, 42)
                .parameterServerTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)).build();
        ExchangeException e = assertThrows(ExchangeException.class, () -> trainer.fit(mlp(2),
                sc.parallelize(MnistSubset.train(100), 2), FitOptions.defaults().batchSize(10).verbose(false)));
        assertTrue(e.getMessage().contains("Cannot reach the parameter server at 127.0.0.1:" + port), e.getMessage());
    }
}
