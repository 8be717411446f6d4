package io.orrery.examples.bench.sim;

/**
 * Predicted timing of one synchronous step.
 *
 * @param method           {@code parameter-server} or {@code ring-allreduce}
 * @param workers          N
 * @param gbitPerSecond    the link rate the prediction is for
 * @param computeSeconds   forward + backward on one worker
 * @param communicationSeconds moving gradients and parameters (bandwidth + latency terms)
 * @param waitingSeconds   waiting for the slowest worker and for the reduction / optimizer step
 * @param stepSeconds      sum of the three
 * @param samplesPerSecond N x batch / step
 * @param efficiency       samples/s over N x the samples/s of one worker that only computes
 */
public record StepPrediction(String method, int workers, double gbitPerSecond, double computeSeconds,
                             double communicationSeconds, double waitingSeconds, double stepSeconds,
                             double samplesPerSecond, double efficiency) {
}
