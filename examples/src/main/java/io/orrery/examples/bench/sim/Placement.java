package io.orrery.examples.bench.sim;

/**
 * Where the parameter server's shards run, which decides whose NIC carries the exchange.
 */
public enum Placement {
    /** Every shard in the driver: the driver's NIC carries N gradients in and N parameter copies out per step. */
    DRIVER,
    /** Shards on H hosts of their own: each server host carries N/H of the model each way per step. */
    SEPARATE_HOSTS,
    /**
     * One shard on each of the N worker hosts (as BytePS colocates its servers): a host sends the N-1 slices of its
     * gradient that other hosts own and receives its own slice from N-1 workers, so each host carries about twice
     * the model per step whatever N is.
     */
    COLOCATED
}
