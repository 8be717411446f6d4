package io.orrery.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** One Spark session per test JVM and master URL: starting Spark costs seconds, so tests share it. */
final class TestSpark {

    private static SparkSession current;

    private TestSpark() {
    }

    /** {@code local[2,4]}: two task slots, and failed tasks may be retried (local mode's default is no retry). */
    static synchronized SparkSession local() {
        return session("local[2,4]", new SparkConf());
    }

    static synchronized SparkSession session(String master, SparkConf extra) {
        if (current != null && current.sparkContext().master().equals(master) && !current.sparkContext().isStopped()
                && extra.getAll().length == 0) {
            return current;
        }
        stop();
        SparkConf conf = new SparkConf().setMaster(master).setAppName("orrery-spark-trainer-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.sql.shuffle.partitions", "4");
        for (scala.Tuple2<String, String> setting : extra.getAll()) {
            conf.set(setting._1(), setting._2());
        }
        current = SparkSession.builder().config(conf).getOrCreate();
        current.sparkContext().setLogLevel("WARN");
        return current;
    }

    static synchronized void stop() {
        if (current != null) {
            current.stop();
            current = null;
        }
    }
}
