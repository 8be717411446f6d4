package io.orrery.spark;

import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Colocated shards on a real multi-JVM cluster ({@code local-cluster[2,1,1024]}): each executor JVM hosts one shard
 * over {@code aeron:udp} on its own address, in the media driver its task's client shares, and every worker reaches
 * both executors' shards.
 */
class ColocatedClusterTest {

    private final SparkSession spark = TestSpark.session("local-cluster[2,1,1024]", ClusterConf.executors());
    private final JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    @AfterAll
    static void stopCluster() {
        TestSpark.stop();
    }

    @Test
    void shardsInTwoExecutorJvmsTrainOverUdpAndTheDriversModelImprovesAndMatchesSingleNode() {
        List<Sample> train = MnistSubset.train(2000);
        SoftmaxRegression model = new SoftmaxRegression(784, 10, 0.5, 21);
        SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).shardPlacement(ShardPlacement.COLOCATED).build();
        JavaRDD<Sample> test = sc.parallelize(MnistSubset.test(1000), 2);
        double before = trainer.evaluate(model, test).get("accuracy");
        History history = trainer.fit(model, sc.parallelize(train, 2),
                FitOptions.defaults().epochs(2).batchSize(32).seed(4).verbose(0));
        double after = trainer.evaluate(model, test).get("accuracy");

        assertTrue(before < 0.3 && after > 0.8, "accuracy before=" + before + " after=" + after);
        assertEquals("parameter server: colocated, one shard on each of 2 workers (udp)", history.events().get(0));
        Set<String> executors = history.events().stream().filter(e -> e.startsWith("worker="))
                .map(e -> e.replaceAll(".*executor=(\\S+).*", "$1")).collect(Collectors.toSet());
        assertTrue(executors.size() == 2 && !executors.contains("driver"), "executors: " + history.events());
        SoftmaxRegression single = new SoftmaxRegression(784, 10, 0.5, 21);
        GlobalBatchReference.train(single, train, 2, 32, 2, 4);
        double difference = single.parameters().sub(model.parameters()).amaxNumber().doubleValue();
        assertTrue(difference < 1e-4, "colocated shards across JVMs differ from single-node training by " + difference);
    }
}
