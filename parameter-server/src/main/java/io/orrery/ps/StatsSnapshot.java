package io.orrery.ps;

/**
 * The counters of a running parameter server at one moment, summed over its shards.
 *
 * @param bytesIn gradient payload bytes received and accepted
 * @param bytesOut parameter payload bytes published
 * @param chunksIn gradient chunks accepted
 * @param stepsApplied optimizer applications summed over shards (a SYNC step on S shards counts S)
 * @param partialSteps SYNC steps applied without every worker (step timeout with CONTINUE_RESCALED)
 * @param failedSteps SYNC steps given up (step timeout with FAIL_STEP)
 * @param publishFailures broadcasts cut short or stalled
 * @param coalescedVersions versions whose broadcast a newer version replaced (ASYNC/BOUNDED under back pressure)
 * @param silentWorkerReports times a worker was reported silent for longer than the worker timeout
 * @param aggregationNs time spent averaging and applying the optimizer, summed over shards
 * @param meanStaleness mean versions between the one a gradient was computed on and the one it was applied to
 * @param maxStaleness the largest such distance
 * @param drops messages dropped, by reason ({@code reason=count ...})
 * @param checkpointWriteFailures checkpoints that could not be written
 * @param checkpointsRefusedNonFinite checkpoints not written because the state was not finite
 * @param rejectionsNotSent control replies (rejections) dropped because the broadcast did not take them in time
 * @param nonFiniteSteps steps whose average or update was not finite (failed or skipped by policy)
 */
public record StatsSnapshot(long bytesIn, long bytesOut, long chunksIn, long stepsApplied, long partialSteps,
                            long failedSteps, long publishFailures, long coalescedVersions, long silentWorkerReports,
                            long aggregationNs, double meanStaleness, long maxStaleness, String drops,
                            long checkpointWriteFailures, long checkpointsRefusedNonFinite, long rejectionsNotSent,
                            long nonFiniteSteps) {

    /** One {@code key=value} line with every counter, as the server logs it. */
    public String line() {
        return "bytesIn=" + bytesIn + " bytesOut=" + bytesOut + " chunksIn=" + chunksIn
                + " stepsApplied=" + stepsApplied + " partialSteps=" + partialSteps + " failedSteps=" + failedSteps
                + " publishFailures=" + publishFailures + " coalescedVersions=" + coalescedVersions
                + " silentWorkerReports=" + silentWorkerReports
                + " rejectionsNotSent=" + rejectionsNotSent + " nonFiniteSteps=" + nonFiniteSteps
                + " checkpointWriteFailures=" + checkpointWriteFailures
                + " checkpointsRefusedNonFinite=" + checkpointsRefusedNonFinite
                + " meanAggregationMs=" + String.format("%.3f", stepsApplied == 0 ? 0.0 : aggregationNs / 1e6 / stepsApplied)
                + " meanStaleness=" + String.format("%.2f", meanStaleness) + " maxStaleness=" + maxStaleness
                + " drops=[" + drops + "]";
    }
}
