package io.orrery.spark;

import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * GPU scheduling as on a GPU cluster, with a discovery script that reports two fake GPUs: one executor JVM with two
 * cores and two GPUs, one GPU per task. Each training task must get its own address (the CPU backend records it;
 * under CUDA the same code switches the thread's device).
 */
class FakeGpuAssignmentTest {

    @TempDir
    static Path scripts;

    @AfterAll
    static void stopCluster() {
        TestSpark.stop();
    }

    @Test
    void eachTrainingTaskGetsADistinctGpuAddress() throws IOException {
        Path script = scripts.resolve("fake-gpus.sh");
        Files.writeString(script, "#!/bin/sh\necho '{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        SparkConf conf = ClusterConf.executors()
                .set("spark.worker.resource.gpu.amount", "2")
                .set("spark.worker.resource.gpu.discoveryScript", script.toString())
                .set("spark.executor.resource.gpu.amount", "2")
                .set("spark.executor.resource.gpu.discoveryScript", script.toString())
                .set("spark.task.resource.gpu.amount", "1");
        SparkSession spark = TestSpark.session("local-cluster[1,2,1024]", conf);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        SoftmaxRegression model = new SoftmaxRegression(784, 10, 0.5, 2);
        History history = SparkTrainer.builder(spark).workers(2).build()
                .fit(model, sc.parallelize(MnistSubset.train(200), 2),
                        FitOptions.defaults().batchSize(20).verbose(0));

        // One event per worker, for example "worker=1 executor=0 gpu=1".
        Map<String, String> gpus = new java.util.TreeMap<>();
        for (String event : history.events()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("worker=(\\d+) executor=\\S+ gpu=(\\S+)")
                    .matcher(event);
            if (m.matches()) {
                gpus.put(m.group(1), m.group(2));
            }
        }
        assertEquals(2, gpus.size(), "GPU per worker: " + history.events());
        assertEquals(new HashSet<>(java.util.List.of("0", "1")), new HashSet<>(gpus.values()), "GPU per worker: " + gpus);
    }
}
