package io.orrery.examples.bench.sim;

/**
 * A cluster run on the measuring machine as the step model sees it.
 *
 * @param workers           N executors, one worker each
 * @param placement         where the shards run ({@link Placement#DRIVER} or {@link Placement#COLOCATED})
 * @param linkBitsPerSecond the rate every host's link is capped at; 0 for loopback, where no link but the cores
 *                          set the pace
 * @param cpuShare          share of a core one more runnable thread got while the run ran (how crowded the machine
 *                          was, measured by the harness beside the run, not by it); 1 when unknown or idle
 */
public record ClusterShape(int workers, Placement placement, double linkBitsPerSecond, double cpuShare) {

    public ClusterShape {
        if (workers < 1 || placement == null || placement == Placement.SEPARATE_HOSTS || linkBitsPerSecond < 0
                || !(cpuShare > 0 && cpuShare <= 1)) {
            throw new IllegalArgumentException("Invalid cluster shape: expected workers >= 1, placement DRIVER or"
                    + " COLOCATED, link rate >= 0 (0 = loopback), cpuShare in (0, 1], found workers=" + workers
                    + " placement=" + placement + " linkBitsPerSecond=" + linkBitsPerSecond + " cpuShare=" + cpuShare);
        }
    }

    /** A run on a machine with nothing else running (share unknown). */
    public ClusterShape(int workers, Placement placement, double linkBitsPerSecond) {
        this(workers, placement, linkBitsPerSecond, 1.0);
    }

    /** Whether the run crossed no rate-capped link (a local cluster on loopback). */
    public boolean loopback() {
        return linkBitsPerSecond == 0;
    }
}
