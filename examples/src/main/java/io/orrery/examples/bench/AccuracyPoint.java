package io.orrery.examples.bench;

/**
 * Test accuracy measured at one moment of a run.
 *
 * @param seconds  wall-clock seconds since the run's training started (data loading excluded)
 * @param epoch    epochs completed at that moment (may be fractional)
 * @param accuracy test accuracy in [0, 1]
 */
public record AccuracyPoint(double seconds, double epoch, double accuracy) {
}
