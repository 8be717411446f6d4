package io.orrery.ps.server;

/**
 * What a SYNC shard does when a step has started (some chunk arrived) but not all workers' chunks are in within
 * the step timeout. Either way the log names the missing workers, their addresses, the step and the shard.
 */
public enum WorkerTimeoutPolicy {
    /**
     * Discard the partial step: parameters stay at version t, the accumulator is cleared, and a StepFailed message
     * tells every worker, whose {@code awaitParameters} then throws with the reason. The default: nothing partial is
     * ever applied silently.
     */
    FAIL_STEP,
    /**
     * Apply the step with the gradients that arrived: each chunk is averaged over the workers that sent it (a
     * chunk nobody sent counts as zero gradient). Logged as a warning and counted as a partial step; chunks of
     * that step arriving afterwards are dropped as late.
     */
    CONTINUE_RESCALED
}
