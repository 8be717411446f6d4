package io.orrery.examples.spark;

import io.orrery.core.data.LabeledImages;
import io.orrery.core.data.Mnist;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The executors read the real MNIST test files (deploy/fetch-data.sh puts them in the dataset cache) in slices. */
class IdxOverSparkTest {

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("idx-over-spark-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void slicesReadOnTheExecutorsEqualTheFilesInOrder() {
        LabeledImages test = Mnist.load().test();
        List<Sample> expected = MnistSamples.of(test);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String folder = io.orrery.core.data.DataDirectory.root().resolve("mnist").toUri().toString();

        var rdd = IdxOverSpark.rdd(sc, folder, "t10k", 3);
        assertEquals(3, rdd.getNumPartitions());
        List<Integer> sizes = rdd.mapPartitions(it -> {
            int n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return List.of(n).iterator();
        }).collect();
        assertEquals(List.of(3333, 3333, 3334), sizes);   // the slices parallelize(data, 3) would make
        List<Sample> read = rdd.collect();
        assertEquals(expected.size(), read.size());
        for (int i : new int[]{0, 3332, 3333, 6666, 9999}) {
            assertEquals(expected.get(i).label(), read.get(i).label(), "label of sample " + i);
            assertArrayEquals(expected.get(i).features(), read.get(i).features(), "features of sample " + i);
        }
    }

    @Test
    void aFolderWithoutTheFilesNamesWhatIsMissing(@TempDir Path empty) throws Exception {
        java.nio.file.Files.writeString(empty.resolve("README"), "not MNIST");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IdxOverSpark.rdd(sc, empty.toUri().toString(), "train", 2));
        assertTrue(e.getMessage().startsWith("no train-images-idx3-ubyte (or train-images-idx3-ubyte.gz) in "),
                e.getMessage());
        assertTrue(e.getMessage().contains("found [README]") && e.getMessage().contains("deploy/fetch-data.sh"),
                e.getMessage());
    }
}
