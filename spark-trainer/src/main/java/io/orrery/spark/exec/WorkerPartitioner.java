package io.orrery.spark.exec;

import org.apache.spark.Partitioner;

/** Sends a block keyed by its worker index w (a {@code Long}) to partition w, for {@link WorkerSplit}. */
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
