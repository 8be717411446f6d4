package io.orrery.ps.server;

/**
 * What a shard does when the average of a step's gradients is not finite although every value was (a few large
 * values from different workers overflow float32 when summed). Either way nothing non-finite is published or
 * checkpointed, the step is counted in {@link ServerStats#nonFiniteSteps()}, and the log names the workers whose
 * values were out of range (above {@code Float.MAX_VALUE / workers}, the largest that cannot overflow a sum).
 */
public enum NonFiniteStepPolicy {
    /**
     * SYNC: the step fails like a timed-out one: parameters stay at version t, a StepFailed naming the workers
     * tells every worker (their wait throws), and the step may be sent again. ASYNC: the worker's gradient is
     * dropped. The default.
     */
    FAIL_STEP,
    /**
     * The step is skipped: the version moves on to t+1 with the parameters (and optimizer state) unchanged, and
     * training goes on. ASYNC drops the gradient as with FAIL_STEP.
     */
    SKIP_STEP
}
