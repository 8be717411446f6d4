package io.orrery.examples.bench.sim;

/**
 * What a cluster run measured, in the model's terms.
 *
 * @param shape                   where and how it ran, with how crowded the machine was
 * @param samplesPerSecond        training throughput over the whole fit (wall time)
 * @param computeSeconds          compute per step, from the executors' own timers
 * @param exchangeSeconds         communication + waiting per step, from the executors' own timers
 * @param overheadSecondsPerEpoch wall time per epoch outside the steps (stage start, data split, shard start)
 * @param serverSeconds           the server's own time per step (average, optimizer, publish), from its timer; 0
 *                                when not known
 */
public record MeasuredRun(ClusterShape shape, double samplesPerSecond, double computeSeconds, double exchangeSeconds,
                          double overheadSecondsPerEpoch, double serverSeconds) {

    public MeasuredRun {
        if (!(samplesPerSecond > 0) || !(computeSeconds > 0) || !(exchangeSeconds >= 0) || !(serverSeconds >= 0)) {
            throw new IllegalArgumentException("Invalid measured run: expected samplesPerSecond > 0, computeSeconds"
                    + " > 0, exchangeSeconds >= 0 and serverSeconds >= 0, found " + samplesPerSecond + ", "
                    + computeSeconds + ", " + exchangeSeconds + ", " + serverSeconds);
        }
    }
}
