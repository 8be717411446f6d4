package io.orrery.examples.bench.sim;

/**
 * What one worker computes per step.
 *
 * @param parameters              model parameters (the MNIST MLP: 407,050)
 * @param batchPerWorker          samples per worker per step
 * @param computeSecondsPerSample forward + backward time per sample on one worker, measured
 * @param computeJitter           coefficient of variation of a worker's step compute time (0.05 = 5%); the
 *                                synchronous barrier waits for the slowest of N workers
 */
public record Workload(long parameters, int batchPerWorker, double computeSecondsPerSample, double computeJitter) {

    /** Parameters of the reference MNIST model: Dense(512) on 784 inputs, then Dense(10). */
    public static final long MNIST_MLP_PARAMETERS = 784L * 512 + 512 + 512L * 10 + 10;

    public Workload {
        if (parameters < 1 || batchPerWorker < 1 || !(computeSecondsPerSample > 0) || computeJitter < 0) {
            throw new IllegalArgumentException("Invalid workload: expected parameters >= 1, batchPerWorker >= 1,"
                    + " computeSecondsPerSample > 0, computeJitter >= 0, found " + parameters + ", "
                    + batchPerWorker + ", " + computeSecondsPerSample + ", " + computeJitter);
        }
    }

    /** Compute time of one worker's step, seconds. */
    public double computeSeconds() {
        return batchPerWorker * computeSecondsPerSample;
    }

    /** This workload with another per-sample compute time (e.g. slowed by cores shared between workers). */
    public Workload withComputeSecondsPerSample(double s) {
        return new Workload(parameters, batchPerWorker, s, computeJitter);
    }
}
