package io.orrery.benchdl4j;

import org.apache.spark.SparkConf;

import java.nio.file.Path;

/**
 * What the executor JVMs of a {@code local-cluster} baseline run need: this JVM's classes (the lambdas that look the
 * batches up) on top of SPARK_HOME's jars, the Java 17 module flags, and one Aeron directory per executor, since two
 * media drivers sharing one fail with "active driver detected".
 */
final class ClusterSettings {

    private ClusterSettings() {
    }

    static void apply(SparkConf conf, Path tmp) {
        String opens = System.getProperty("dl4j.jvm.opens", "");
        conf.set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.executor.extraJavaOptions", opens + " -Dio.netty.tryReflectionSetAccessible=true"
                        + " -Daeron.publication.unblock.timeout=60000000000"
                        + " -Daeron.dir=" + tmp.resolve("aeron-executor-{{EXECUTOR_ID}}"))
                .set("spark.executor.memory", "1400m")
                .set("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
    }
}
