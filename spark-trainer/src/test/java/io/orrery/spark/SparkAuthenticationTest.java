package io.orrery.spark;

import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.ps.JobKey;
import io.orrery.spark.data.Sample;
import io.orrery.spark.exchange.ParameterServerExchange;
import io.orrery.spark.exchange.ParameterServerLink;
import io.orrery.spark.exchange.ServerSettings;
import io.orrery.spark.exchange.SparkJobKeys;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code spark.authenticate.secret} set, the trainer keys its parameter-server job with a key derived from the
 * secret and the job id: the tasks prove it at the join, and a local-mode SYNC fit stays exact.
 */
class SparkAuthenticationTest {

    private static final String SECRET = "spark-app-secret-for-the-test-8c1f";

    @AfterAll
    static void stopTheKeyedSession() {
        TestSpark.stop(); // the next test class makes its own, without the secret
    }

    private static SparkSession keyedLocal() {
        return TestSpark.session("local[2,4]", new SparkConf(false).set("spark.authenticate", "true")
                .set(SparkJobKeys.SECRET_CONF, SECRET));
    }

    @Test
    void theJobKeyIsDerivedFromSparksSecretAndTheJobId() {
        SparkJobKeys keys = SparkJobKeys.of(new SparkConf(false).set(SparkJobKeys.SECRET_CONF, SECRET));
        assertTrue(keys.enabled());
        assertEquals(JobKey.derive(SECRET, 42), keys.forJob(42));
        assertFalse(keys.forJob(42).equals(keys.forJob(43)), "each job its own key");
        assertFalse(keys.toString().contains(SECRET), keys.toString());
        SparkJobKeys none = SparkJobKeys.of(new SparkConf(false));
        assertFalse(none.enabled());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> none.forJob(1));
        assertTrue(e.getMessage().contains("spark.authenticate.secret is not set"), e.getMessage());
    }

    @Test
    void aLocalModeFitWithSparksSecretIsKeyedAndStaysExact() {
        SparkSession spark = keyedLocal();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Sample> data = MnistSubset.train(400);
        Sequential distributed = MnistSubset.mlp(1);
        Sequential single = MnistSubset.mlp(1);
        History history = SparkTrainer.builder(spark).workers(2).parameterServer().build().fit(distributed,
                sc.parallelize(data, 2), FitOptions.defaults().epochs(1).batchSize(50).seed(9).verbose(0));
        GlobalBatchReference.train(new SequentialModel(single), data, 2, 50, 1, 9);

        assertTrue(history.events().get(0).contains("keyed by spark.authenticate.secret"), history.events().toString());
        double difference = single.parameters().sub(distributed.parameters()).amaxNumber().doubleValue();
        assertTrue(difference < 1e-4, "keyed SYNC equals one node on the global batch: max difference " + difference);
        assertFalse(history.events().toString().contains(SECRET));
    }

    @Test
    void theEndpointShippedToTasksCarriesTheDerivedKeyNeverTheSecretAndHidesIt() {
        SparkSession spark = keyedLocal();
        SparkJobKeys keys = SparkJobKeys.of(spark.sparkContext().getConf());
        try (ParameterServerLink link = ParameterServerLink.embedded(new SequentialModel(MnistSubset.mlp(1)), 2,
                io.orrery.ps.TrainingMode.SYNC, true, null, Duration.ofSeconds(30), Duration.ofSeconds(60),
                ServerSettings.DEFAULTS, keys)) {
            ParameterServerExchange.Endpoint endpoint = link.endpoint();
            assertEquals(keys.forJob(endpoint.jobId()), endpoint.jobKey());
            assertEquals(0, endpoint.token(), "the key replaces the token");
            assertEquals(0, link.server().token());
            String text = endpoint.toString();
            assertTrue(text.contains("keyed=true"), text);
            assertFalse(text.contains(SECRET) || text.contains("JobKey"), text);
        }
        SparkJobKeys none = SparkJobKeys.of(new SparkConf(false));
        try (ParameterServerLink link = ParameterServerLink.embedded(new SequentialModel(MnistSubset.mlp(1)), 2,
                io.orrery.ps.TrainingMode.SYNC, true, null, Duration.ofSeconds(30), Duration.ofSeconds(60),
                ServerSettings.DEFAULTS, none)) {
            assertNull(link.endpoint().jobKey(), "without Spark's secret the job keeps its token");
        }
    }
}
