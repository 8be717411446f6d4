package io.orrery.spark.exec;

import java.util.SplittableRandom;

/**
 * The order in which a worker visits its partition in one epoch: a seeded shuffle, a pure function of
 * (seed, epoch, worker), so a retried stage and a single-node reference replay exactly the same batches.
 */
public final class EpochOrder {

    private EpochOrder() {
    }

    /** A permutation of {@code 0..size-1}. */
    public static int[] permutation(int size, long seed, int epoch, int worker) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed ^ (epoch * 0x9E3779B97F4A7C15L) ^ (worker * 0xC2B2AE3D27D4EB4FL));
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
