package io.orrery.ps.server;

import io.orrery.core.optimizers.RangedStep;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.sbe.GradientChunkDecoder;
import io.orrery.ps.transport.NativeFloats;
import io.orrery.ps.transport.TransportException;
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
 * added in; when all N workers' chunks are in, the sum is averaged and applied once, and version t+1 is broadcast
 * (invariant 2: the same parameters as one worker on the global batch, up to summation order). A step not complete
 * within the step timeout fails, or goes on with the workers present, as the {@link WorkerTimeoutPolicy} says.
 *
 * <p>Membership is strict: a step waits only for current members. The step completes at N workers' chunks, N the
 * configured worker count (a step with a departed member completes only through its timeout).
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
    private final long stepTimeoutNs;
    private int receivedCount;
    private long stepStartNs;
    private ArrivalIdleStrategy arrivals;

    SyncAggregator(ParameterServerConfig config, int shard, ShardLayout layout, ShardModel model,
                   ShardPublisher publisher, WorkerRegistry registry, ServerStats stats) {
        super(config, shard, layout, model, publisher, registry, stats);
        this.accumulator = Nd4j.zeros(DataType.FLOAT, layout.shardLength(shard));
        this.accBuffer = NativeFloats.wrap(accumulator, new UnsafeBuffer(0, 0), "accumulator");
        this.received = new boolean[workers * chunkCount];
        this.contributors = new int[chunkCount];
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
        return registry.isMember(worker);
    }

    @Override
    DropReason onChunk(GradientChunkDecoder chunk, DirectBuffer payload, int worker, int index, long step,
                       int chunkLength) {
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
        ingest.add(chunk.encoding(), payload, chunk.elementCount(), accBuffer, layout.chunkOffset(index) * 4);
        if (receivedCount == 0) {
            stepStartNs = System.nanoTime();
            if (arrivals != null) {
                arrivals.arrived(stepStartNs);
            }
        }
        received[slot] = true;
        receivedCount++;
        contributors[index]++;
        countIn(worker, step, payload);
        if (receivedCount == workers * chunkCount) {
            long start = System.nanoTime();
            if (workers > 1) {
                accumulator.divi(workers);
            }
            applyAndPublish(start);
            reset();
        }
        return null;
    }

    @Override
    int onDuty(long nowNs) {
        if (receivedCount > 0 && nowNs - stepStartNs > stepTimeoutNs) {
            onStepTimeout();
            return 1;
        }
        return 0;
    }

    private void applyAndPublish(long startNs) {
        ContributionLedger.applied(shard, model.version(), received, workers, chunkCount);
        // Ranges published as they are updated, unless a broadcast is still unsent (then the newest replaces it).
        if (publisher.idle()) {
            publisher.applyByRangesAndPublish(rangedStep, chunksPerRange);
        } else {
            applyWhole(accumulator);
        }
        if (arrivals != null) {
            arrivals.published(System.nanoTime());
        }
        stepApplied(startNs);
    }

    private void reset() {
        accumulator.assign(0);
        Arrays.fill(received, false);
        Arrays.fill(contributors, 0);
        receivedCount = 0;
    }

    /** A step started but not every worker's chunks arrived in time: apply the configured policy. */
    private void onStepTimeout() {
        long version = model.version();
        List<Integer> missing = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            for (int c = 0; c < chunkCount; c++) {
                if (!received[w * chunkCount + c]) {
                    missing.add(w);
                    break;
                }
            }
        }
        String who = registry.describe(missing);
        if (config.timeoutPolicy() == WorkerTimeoutPolicy.CONTINUE_RESCALED) {
            LOG.warn("step timed out, applying with the workers present: shard={} step={} timeoutMs={} missingWorkers={}"
                    + " receivedChunks={}/{}", shard, version, config.stepTimeout().toMillis(), who, receivedCount,
                    workers * chunkCount);
            long start = System.nanoTime();
            for (int c = 0; c < chunkCount; c++) {
                if (contributors[c] > 1) {
                    int from = layout.chunkOffset(c);
                    accumulator.get(NDArrayIndex.interval(from, from + layout.chunkLength(shard, c))).divi(contributors[c]);
                }
            }
            stats.partialSteps.incrementAndGet();
            applyAndPublish(start);
        } else {
            String reason = "step " + version + " failed on shard " + shard + ": no gradient from workers " + who
                    + " within " + config.stepTimeout().toMillis() + " ms; parameters stay at version " + version
                    + "; the step may be sent again";
            LOG.error("step timed out, discarding it: shard={} step={} timeoutMs={} missingWorkers={} receivedChunks={}/{}",
                    shard, version, config.stepTimeout().toMillis(), who, receivedCount, workers * chunkCount);
            stats.failedSteps.incrementAndGet();
            try {
                publisher.stepFailed(version, reason);
            } catch (TransportException e) {
                LOG.error("could not tell workers about the failed step: shard={} step={} error={}", shard, version,
                        e.getMessage());
            }
        }
        reset();
    }
}
