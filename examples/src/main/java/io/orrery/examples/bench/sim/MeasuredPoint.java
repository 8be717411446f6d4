package io.orrery.examples.bench.sim;

/**
 * A throughput measured by a real run, to fit and check the model.
 *
 * @param workers          workers of the run
 * @param samplesPerSecond its measured training throughput
 */
public record MeasuredPoint(int workers, double samplesPerSecond) {

    public MeasuredPoint {
        if (workers < 1 || !(samplesPerSecond > 0)) {
            throw new IllegalArgumentException("Invalid measured point: expected workers >= 1 and samplesPerSecond"
                    + " > 0, found workers=" + workers + " samplesPerSecond=" + samplesPerSecond);
        }
    }
}
