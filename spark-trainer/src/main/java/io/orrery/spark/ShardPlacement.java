package io.orrery.spark;

/**
 * Where the parameter server's shards run during a fit (set with {@link SparkTrainer.Builder#shardPlacement}).
 *
 * <p>With {@link #DRIVER} every worker sends its whole gradient to the driver and reads the whole model back, so the
 * driver's network link carries 2 x N x the model per step. With {@link #COLOCATED} each of the N executors hosts
 * one shard (1/N of the flat buffer) and every worker sends slice k to shard k: each host's link carries about
 * 2 x the model per step whatever N is. docs/spark-trainer.md has the measurements and the trade-offs.
 */
public enum ShardPlacement {

    /** One server in the driver's JVM hosts every shard (the default). */
    DRIVER,

    /**
     * Shard k of N runs in the JVM of worker k's executor, started by that task at the start of each epoch from the
     * driver's parameters and optimizer state, which the driver collects back at the epoch's end. SYNC only.
     */
    COLOCATED
}
