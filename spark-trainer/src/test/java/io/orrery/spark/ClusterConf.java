package io.orrery.spark;

import org.apache.spark.SparkConf;

/**
 * Settings for a real multi-JVM cluster started by a test with {@code local-cluster[workers,cores,memory]}: executor
 * JVMs get this JVM's classpath (test classes, Orrery, ND4J) and module flags; SPARK_HOME (set by the pom) supplies
 * Spark's own jars.
 */
final class ClusterConf {

    private ClusterConf() {
    }

    static SparkConf executors() {
        String sparkHome = System.getenv("SPARK_HOME");
        if (sparkHome == null || !new java.io.File(sparkHome, "jars").isDirectory()) {
            throw new IllegalStateException("local-cluster tests need SPARK_HOME with a jars/ folder (the pom copies "
                    + "Spark's jars to target/spark-home); found SPARK_HOME=" + sparkHome + ". Run them through Maven.");
        }
        return new SparkConf()
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.executor.extraJavaOptions", System.getProperty("orrery.jvm.opens", ""))
                // A retried barrier stage waits for the relaunched executor; check for free slots every second.
                .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")
                .set("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "60");
    }
}
