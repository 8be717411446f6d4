package io.orrery.examples.bench.sim;

/**
 * A cluster run on the measuring machine as the step model sees it.
 *
 * @param workers           N executors, one worker each
 * @param placement         where the shards run ({@link Placement#DRIVER} or {@link Placement#COLOCATED})
 * @param linkBitsPerSecond the rate every host's link is capped at; 0 for loopback, where no link but the cores
 *                          set the pace
 */
public record ClusterShape(int workers, Placement placement, double linkBitsPerSecond) {

    public ClusterShape {
        if (workers < 1 || placement == null || placement == Placement.SEPARATE_HOSTS || linkBitsPerSecond < 0) {
            throw new IllegalArgumentException("Invalid cluster shape: expected workers >= 1, placement DRIVER or"
                    + " COLOCATED, link rate >= 0 (0 = loopback), found workers=" + workers + " placement="
                    + placement + " linkBitsPerSecond=" + linkBitsPerSecond);
        }
    }

    /** Whether the run crossed no rate-capped link (a local cluster on loopback). */
    public boolean loopback() {
        return linkBitsPerSecond == 0;
    }
}
