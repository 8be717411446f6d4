package io.orrery.examples.bench.sim;

/**
 * A cluster run on the measuring machine as the step model sees it.
 *
 * @param workers           N executors, one worker each
 * @param placement         where the shards run ({@link Placement#DRIVER} or {@link Placement#COLOCATED})
 * @param linkBitsPerSecond the rate every host's link is capped at; 0 for loopback, where no link but the cores
 *                          set the pace
 * @param chunkFloats       floats in one message: the server's chunk for the link's MTU (320 at MTU 1500, 16,344
 *                          on loopback), which sets how many messages a step costs
 */
public record ClusterShape(int workers, Placement placement, double linkBitsPerSecond, int chunkFloats) {

    public ClusterShape {
        if (workers < 1 || placement == null || placement == Placement.SEPARATE_HOSTS || linkBitsPerSecond < 0
                || chunkFloats < 1) {
            throw new IllegalArgumentException("Invalid cluster shape: expected workers >= 1, placement DRIVER or"
                    + " COLOCATED, link rate >= 0 (0 = loopback), chunkFloats >= 1, found workers=" + workers
                    + " placement=" + placement + " linkBitsPerSecond=" + linkBitsPerSecond
                    + " chunkFloats=" + chunkFloats);
        }
    }

    /** Whether the run crossed no rate-capped link (a local cluster on loopback). */
    public boolean loopback() {
        return linkBitsPerSecond == 0;
    }
}
