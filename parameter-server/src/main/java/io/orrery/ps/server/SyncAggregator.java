package io.orrery.ps.server;

import io.orrery.core.optimizers.RangedStep;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.sbe.GradientChunkDecoder;
import io.orrery.ps.transport.NativeFloats;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SYNC: one accumulator for the step in progress. Chunks of step t (computed on version t) from every worker are
 * added in; when every expected worker's chunks are in, the sum is averaged and applied once, and version t+1 is
 * broadcast (invariant 2: the same parameters as one worker on the global batch, up to summation order). A step not
 * complete within the step timeout fails, or goes on with the workers present, as the {@link WorkerTimeoutPolicy}
 * says.
 *
 * <p>Whom a step waits for: every id of the job except those whose worker left cleanly (a Leave from the holder)
 * while others stayed members, did not rejoin, and sent nothing for the step before leaving
 * ({@link WorkerRegistry#excused}). So a step after a Leave completes with the current members, averaged over the
 * workers that contributed, and a worker that pushed its last step and left at once is counted in that step: its
 * chunks, read after its Leave (they travel on another stream), still count ({@link WorkerRegistry#counts}); if
 * they never come (lost with its process), the step times out once and its retry goes on without them
 * ({@link WorkerRegistry#abandon}). An id never joined, a member gone silent, or any id after the job was empty (all
 * left: between the stages of a Spark fit) is waited for until the step timeout (a job starts only when all its
 * workers are in). A membership change during a step is rechecked on the next duty cycle, so no sequence of joins
 * and leaves holds a step beyond its timeout.
 *
 * <p>The average is checked finite before it is applied (a few large values from different workers can overflow
 * the float32 sum) and the new parameters before they are offered; see {@link NonFiniteStepPolicy}.
 */
final class SyncAggregator extends Aggregator {

    private static final Logger LOG = LoggerFactory.getLogger(SyncAggregator.class);
    private static final int UPDATE_RANGE_ELEMENTS = 32 * 1024;

    private final INDArray accumulator;
    private final UnsafeBuffer accBuffer;
    private final int chunksPerRange;
    private final RangedStep rangedStep;
    private final boolean[] received;
    private final int[] contributors;
    /** Chunks of the step in progress per worker, its largest magnitude, and whether it sent any. */
    private final int[] workerChunks;
    private final float[] workerMaxAbs;
    private final boolean[] contributed;
    private final long stepTimeoutNs;
    private int receivedCount;
    private long stepStartNs;
    private long epochSeen = -1;
    private ArrivalIdleStrategy arrivals;

    SyncAggregator(ParameterServerConfig config, int shard, ShardLayout layout, ShardModel model,
                   ShardPublisher publisher, WorkerRegistry registry, ServerStats stats) {
        super(config, shard, layout, model, publisher, registry, stats);
        this.accumulator = Nd4j.zeros(DataType.FLOAT, layout.shardLength(shard));
        this.accBuffer = NativeFloats.wrap(accumulator, new UnsafeBuffer(0, 0), "accumulator");
        this.received = new boolean[workers * chunkCount];
        this.contributors = new int[chunkCount];
        this.workerChunks = new int[workers];
        this.workerMaxAbs = new float[workers];
        this.contributed = new boolean[workers];
        this.stepTimeoutNs = config.stepTimeout().toNanos();
        this.chunksPerRange = Math.max(1, UPDATE_RANGE_ELEMENTS / Math.max(1, layout.chunkLength(shard, 0)));
        this.rangedStep = rangedStep();
    }

    /**
     * The update in ranges of whole chunks, about {@link #UPDATE_RANGE_ELEMENTS} values each: per-range setup
     * costs a few microseconds, so one range per chunk (200 for the reference model) made the update 0.25 ms slower
     * than one whole-shard update, while ranges of 16 chunks cost about the same as one (measured).
     */
    private RangedStep rangedStep() {
        int ranges = (chunkCount + chunksPerRange - 1) / chunksPerRange;
        int[] offsets = new int[ranges];
        int[] lengths = new int[ranges];
        for (int c = 0; c < chunkCount; c++) {
            int r = c / chunksPerRange;
            if (c % chunksPerRange == 0) {
                offsets[r] = layout.chunkOffset(c);
            }
            lengths[r] += layout.chunkLength(shard, c);
        }
        return model.rangedStep(accumulator, offsets, lengths);
    }

    @Override
    void expectArrivals(ArrivalIdleStrategy idle) {
        this.arrivals = idle;
    }

    @Override
    boolean accepts(int worker) {
        return registry.hasJoined(worker); // which steps of a worker that left count is checked in onChunk
    }

    @Override
    DropReason onChunk(GradientChunkDecoder chunk, DirectBuffer payload, int worker, int index, long step,
                       int chunkLength) {
        if (!registry.counts(worker, step)) {
            return DropReason.UNKNOWN_WORKER; // its holder left before this step
        }
        long version = model.version();
        if (step < version) {
            return DropReason.LATE;
        }
        if (step > version || chunk.baseVersion() != step) {
            return DropReason.EARLY;
        }
        int slot = worker * chunkCount + index;
        if (received[slot]) {
            return DropReason.DUPLICATE;
        }
        DropReason bad = ingest.check(chunk.encoding(), payload, chunk.elementCount(), chunkLength);
        if (bad != null) {
            return bad;
        }
        float maxAbs = ingest.lastMaxAbs();
        ingest.add(chunk.encoding(), payload, chunk.elementCount(), accBuffer, layout.chunkOffset(index) * 4);
        if (receivedCount == 0) {
            stepStartNs = System.nanoTime();
            epochSeen = registry.epoch();
            if (arrivals != null) {
                arrivals.arrived(stepStartNs);
            }
        }
        received[slot] = true;
        receivedCount++;
        contributors[index]++;
        workerChunks[worker]++;
        contributed[worker] = true;
        workerMaxAbs[worker] = Math.max(workerMaxAbs[worker], maxAbs);
        countIn(worker, step, payload);
        if (workerChunks[worker] == chunkCount && allExpectedIn()) {
            complete();
        }
        return null;
    }

    @Override
    int onDuty(long nowNs) {
        if (receivedCount == 0) {
            return 0;
        }
        long epoch = registry.epoch();
        if (epoch != epochSeen) {
            // Someone joined or left during the step: it may now be complete with the current members.
            epochSeen = epoch;
            if (allExpectedIn()) {
                complete();
                return 1;
            }
        }
        if (nowNs - stepStartNs > stepTimeoutNs) {
            onStepTimeout();
            return 1;
        }
        return 0;
    }

    /** Every worker the step waits for (all ids but the excused) has sent all its chunks. */
    private boolean allExpectedIn() {
        for (int w = 0; w < workers; w++) {
            if (workerChunks[w] != chunkCount && !registry.excused(w, model.version())) {
                return false;
            }
        }
        return true;
    }

    /** All expected chunks are in: average over the contributors of each chunk, check, apply, publish. */
    private void complete() {
        long start = System.nanoTime();
        int n = contributors[0];
        boolean uniform = true;
        for (int c = 1; c < chunkCount; c++) {
            uniform &= contributors[c] == n;
        }
        if (uniform) {
            if (n > 1) {
                accumulator.divi(n);
            }
        } else {
            averagePerChunk(); // a worker left part-way through its step: each chunk over those that sent it
        }
        if (!checkFinite(n)) {
            return;
        }
        applyAndPublish(start);
        reset();
    }

    /**
     * The sum of the step's values overflowed: nothing is applied; the policy fails or skips the step, naming the
     * workers whose values were out of range.
     *
     * @return true when the average is finite and can be applied
     */
    private boolean checkFinite(int n) {
        double bound = 0;
        for (int w = 0; w < workers; w++) {
            bound += workerMaxAbs[w];
        }
        // No sum of values each below its worker's largest magnitude exceeds the sum of those: then the pass over
        // the accumulator is not needed (the margin covers rounding).
        if (bound <= Float.MAX_VALUE * 0.99 || NativeFloats.allFinite(accBuffer)) {
            return true;
        }
        long version = model.version();
        String who = outOfRange(workerMaxAbs, contributed, Math.max(1, n));
        stats.nonFiniteSteps.incrementAndGet();
        if (config.nonFinitePolicy() == NonFiniteStepPolicy.SKIP_STEP) {
            LOG.error("step skipped, the average of the gradients is not finite: shard={} step={} outOfRangeWorkers={}"
                    + " hint=\"values above Float.MAX_VALUE/{} overflow the sum; the parameters move on to version {}"
                    + " unchanged\"", shard, version, who, n, version + 1);
            model.advance();
            publisher.publish();
            if (arrivals != null) {
                arrivals.published(System.nanoTime());
            }
        } else {
            String reason = "step " + version + " failed on shard " + shard + ": the average of the workers' gradients"
                    + " is not finite (the float32 sum overflowed); workers with values out of range: " + who
                    + " (above Float.MAX_VALUE/" + n + "); parameters stay at version " + version
                    + "; scale the loss or clip the gradients";
            LOG.error("step failed, the average of the gradients is not finite: shard={} step={} outOfRangeWorkers={}",
                    shard, version, who);
            stats.failedSteps.incrementAndGet();
            tellFailed(version, reason);
        }
        reset();
        return false;
    }

    private void tellFailed(long version, String reason) {
        publisher.stepFailed(version, reason);
    }

    private void averagePerChunk() {
        for (int c = 0; c < chunkCount; c++) {
            if (contributors[c] > 1) {
                int from = layout.chunkOffset(c);
                accumulator.get(NDArrayIndex.interval(from, from + layout.chunkLength(shard, c))).divi(contributors[c]);
            }
        }
    }

    private void applyAndPublish(long startNs) {
        long version = model.version();
        // Ranges published as they are updated, unless a broadcast is still unsent (then the newest replaces it).
        boolean finite = publisher.idle()
                ? publisher.applyByRangesAndPublish(rangedStep, chunksPerRange)
                : applyWhole(accumulator);
        if (!finite) {
            stats.nonFiniteSteps.incrementAndGet();
            stats.failedSteps.incrementAndGet();
            String reason = "step " + version + " failed: " + poisonedReason(version + 1);
            LOG.error("step failed, parameters not finite after the update: shard={} step={} reason=\"{}\"", shard,
                    version, reason);
            tellFailed(version, reason);
            return;
        }
        ContributionLedger.applied(shard, version, received, workers, chunkCount);
        if (arrivals != null) {
            arrivals.published(System.nanoTime());
        }
        stepApplied(startNs);
    }

    private void reset() {
        accumulator.assign(0);
        Arrays.fill(received, false);
        Arrays.fill(contributors, 0);
        Arrays.fill(workerChunks, 0);
        Arrays.fill(workerMaxAbs, 0f);
        Arrays.fill(contributed, false);
        receivedCount = 0;
    }

    /** A step started but not every worker's chunks arrived in time: apply the configured policy. */
    private void onStepTimeout() {
        long version = model.version();
        List<Integer> missing = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            if (workerChunks[w] != chunkCount && !registry.excused(w, model.version())) {
                missing.add(w);
            }
        }
        String who = registry.describe(missing);
        for (int w : missing) {
            registry.abandon(w, version); // a worker that left: its chunks will not come now; the retry goes on
        }
        if (config.timeoutPolicy() == WorkerTimeoutPolicy.CONTINUE_RESCALED) {
            LOG.warn("step timed out, applying with the workers present: shard={} step={} timeoutMs={} missingWorkers={}"
                    + " receivedChunks={}/{}", shard, version, config.stepTimeout().toMillis(), who, receivedCount,
                    workers * chunkCount);
            long start = System.nanoTime();
            averagePerChunk();
            stats.partialSteps.incrementAndGet();
            int most = 0;
            for (int c : contributors) {
                most = Math.max(most, c);
            }
            if (checkFinite(most)) {
                applyAndPublish(start);
            } else {
                return; // checkFinite failed or skipped the step and reset
            }
        } else {
            String reason = "step " + version + " failed on shard " + shard + ": no gradient from workers " + who
                    + " within " + config.stepTimeout().toMillis() + " ms; parameters stay at version " + version
                    + "; the step may be sent again";
            LOG.error("step timed out, discarding it: shard={} step={} timeoutMs={} missingWorkers={} receivedChunks={}/{}",
                    shard, version, config.stepTimeout().toMillis(), who, receivedCount, workers * chunkCount);
            stats.failedSteps.incrementAndGet();
            tellFailed(version, reason);
        }
        reset();
    }
}
