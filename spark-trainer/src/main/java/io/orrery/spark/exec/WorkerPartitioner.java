package io.orrery.spark.exec;

import org.apache.spark.Partitioner;

/**
 * Sends the sample with index i to worker {@code i mod N}: partitions differ by at most one sample, and which worker
 * holds which sample is a fixed rule (a single-node reference can rebuild each worker's data).
 */
public final class WorkerPartitioner extends Partitioner {

    private static final long serialVersionUID = 1L;

    private final int workers;

    public WorkerPartitioner(int workers) {
        this.workers = workers;
    }

    @Override
    public int numPartitions() {
        return workers;
    }

    @Override
    public int getPartition(Object key) {
        return (int) Math.floorMod((Long) key, (long) workers);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WorkerPartitioner && ((WorkerPartitioner) other).workers == workers;
    }

    @Override
    public int hashCode() {
        return workers;
    }
}
