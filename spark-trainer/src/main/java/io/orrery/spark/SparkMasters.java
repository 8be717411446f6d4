package io.orrery.spark;

/**
 * What a Spark master URL says about where tasks run; the one place that decides it, so the trainer, the server
 * choice and the CLI agree (local-cluster executors are separate JVMs, although the URL starts with "local").
 */
public final class SparkMasters {

    private SparkMasters() {
    }

    /**
     * Whether every task runs in the driver's JVM: {@code local}, {@code local[N]}, {@code local[*]}, {@code local[N,F]};
     * not {@code local-cluster[...]}, whose executors are JVMs of their own, nor any cluster manager.
     */
    public static boolean isSingleJvm(String master) {
        return master != null && master.startsWith("local") && !master.startsWith("local-cluster");
    }
}
