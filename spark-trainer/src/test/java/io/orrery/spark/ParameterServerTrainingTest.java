package io.orrery.spark;

import io.orrery.core.models.FitOptions;
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

    @Test
    void syncTrainingThroughTheServerMatchesSingleNodeOnGlobalBatch() {
        List<Sample> data = MnistSubset.train(1000);
        Sequential distributed = MnistSubset.mlp(1);
        Sequential single = MnistSubset.mlp(1);
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        History history = SparkTrainer.builder(spark).workers(2).parameterServer()
                .progressTo(new java.io.PrintStream(printed, true)).build().fit(distributed,
                sc.parallelize(data, 2), FitOptions.defaults().epochs(2).batchSize(50).seed(9));
        GlobalBatchReference.train(new SequentialModel(single), data, 2, 50, 2, 9);

        assertTrue(history.events().get(0).startsWith("parameter server: aeron:ipc"), history.events().toString());
        double difference = single.parameters().sub(distributed.parameters()).amaxNumber().doubleValue();
        double moved = single.parameters().sub(MnistSubset.mlp(1).parameters()).amaxNumber().doubleValue();
        assertTrue(difference < 1e-4 && moved > 1e-2, "max difference " + difference + ", max move " + moved);
        assertEquals(2, history.get("loss").size());
        String lines = printed.toString();
        // a stream that is not a terminal gets each epoch's final line only, without carriage returns
        assertTrue(lines.contains("Epoch 2/2\n20/20 [==============================] - ") && lines.contains(" - accuracy: ")
                && !lines.contains("\r"), lines);
        assertTrue(history.get("accuracy").get(1) > 0.7, history.toString());

        // the step split and the bytes on the wire are reported: 2 epochs x 20 steps per worker, each worker sends
        // one float32 gradient and receives one float32 parameter vector per step, plus the current parameters
        // when it joins at the start of each epoch's stage
        java.util.Map<String, Double> stats = history.stats();
        long modelBytes = 4L * distributed.parameters().length();
        assertEquals(40.0, stats.get("steps_per_worker"), 1e-9, stats.toString());
        assertEquals(2 * 40 * modelBytes, stats.get("bytes_sent"), 1e-3, stats.toString());
        assertEquals(2 * (40 + 2) * modelBytes, stats.get("bytes_received"), 1e-3, stats.toString());
        assertTrue(stats.get("compute_ms_per_step") > 0 && stats.get("communication_ms_per_step") > 0
                && stats.get("waiting_ms_per_step") > 0, stats.toString());
    }

    @Test
    void unreachableServerFailsWithItsAddress() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();  // nothing listens there once the probe is closed
        }
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).parameterServer("127.0.0.1", port, 1, 42)
                .parameterServerTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)).build();
        ExchangeException e = assertThrows(ExchangeException.class, () -> trainer.fit(MnistSubset.mlp(2),
                sc.parallelize(MnistSubset.train(100), 2), FitOptions.defaults().batchSize(10).verbose(0)));
        assertTrue(e.getMessage().contains("Cannot reach the parameter server at 127.0.0.1:" + port), e.getMessage());
    }
}
