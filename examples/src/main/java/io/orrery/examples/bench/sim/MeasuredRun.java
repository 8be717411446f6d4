package io.orrery.examples.bench.sim;

/**
 * What a cluster run measured, in the model's terms.
 *
 * @param shape                  where and how it ran
 * @param samplesPerSecond       training throughput over the whole fit (wall time)
 * @param computeSeconds         compute per step, from the executors' own timers
 * @param exchangeSeconds        communication + waiting per step, from the executors' own timers
 * @param overheadSecondsPerEpoch wall time per epoch outside the steps (stage start, data split, shard start)
 */
public record MeasuredRun(ClusterShape shape, double samplesPerSecond, double computeSeconds, double exchangeSeconds,
                          double overheadSecondsPerEpoch) {

    public MeasuredRun {
        if (!(samplesPerSecond > 0) || !(computeSeconds > 0) || !(exchangeSeconds >= 0)) {
            throw new IllegalArgumentException("Invalid measured run: expected samplesPerSecond > 0, computeSeconds"
                    + " > 0 and exchangeSeconds >= 0, found " + samplesPerSecond + ", " + computeSeconds + ", "
                    + exchangeSeconds);
        }
    }
}
