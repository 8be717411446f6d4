package io.orrery.ps.server;

import io.orrery.ps.TrainingMode;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.sbe.GradientChunkDecoder;
import io.orrery.ps.transport.NativeFloats;
import org.agrona.DirectBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How one shard turns workers' gradient chunks into new parameters, one subclass per {@link TrainingMode}:
 * {@link SyncAggregator} (SYNC) and {@link AsyncAggregator} (ASYNC and BOUNDED; the bound is the workers' wait).
 * The shard agent checks what every mode checks (job, token, shard, chunk, encoding) and hands the rest here.
 * Adding a mode is adding one subclass (and its wait policy on the client).
 */
abstract sealed class Aggregator permits SyncAggregator, AsyncAggregator {

    final ParameterServerConfig config;
    final int shard;
    final ShardLayout layout;
    final int chunkCount;
    final int workers;
    final ShardModel model;
    final ShardPublisher publisher;
    final WorkerRegistry registry;
    final ServerStats stats;
    final GradientIngest ingest;

    Aggregator(ParameterServerConfig config, int shard, ShardLayout layout, ShardModel model, ShardPublisher publisher,
               WorkerRegistry registry, ServerStats stats) {
        this.config = config;
        this.shard = shard;
        this.layout = layout;
        this.chunkCount = layout.chunkCount(shard);
        this.workers = config.workers();
        this.model = model;
        this.publisher = publisher;
        this.registry = registry;
        this.stats = stats;
        int maxChunk = 0;
        for (int c = 0; c < chunkCount; c++) {
            maxChunk = Math.max(maxChunk, layout.chunkLength(shard, c));
        }
        this.ingest = new GradientIngest(maxChunk);
    }

    /** The aggregator of the configured mode for one shard. */
    static Aggregator forMode(ParameterServerConfig config, int shard, ShardLayout layout, ShardModel model,
                              ShardPublisher publisher, WorkerRegistry registry, ServerStats stats) {
        return config.mode().isSync()
                ? new SyncAggregator(config, shard, layout, model, publisher, registry, stats)
                : new AsyncAggregator(config, shard, layout, model, publisher, registry, stats);
    }

    /** Whether chunks of {@code worker} (an id below the job's worker count) are taken. */
    abstract boolean accepts(int worker);

    /**
     * Takes one chunk that passed the common checks.
     *
     * @param index the chunk's index in the shard
     * @param chunkLength the chunk's element count in the layout
     * @return null when taken, else why it is dropped
     */
    abstract DropReason onChunk(GradientChunkDecoder chunk, DirectBuffer payload, int worker, int index, long step,
                                int chunkLength);

    /** Work due at {@code nowNs} besides chunks (a step's deadline); returns how much was done. */
    int onDuty(long nowNs) {
        return 0;
    }

    /** Tells the agent's idle strategy when steps publish and gradients arrive; only SYNC steps are expected. */
    void expectArrivals(ArrivalIdleStrategy idle) {
    }

    /**
     * Applies {@code gradient} to the whole shard and starts broadcasting the new version, unless the update made
     * the parameters non-finite (then the shard is poisoned and nothing is published).
     *
     * @return whether the new parameters are finite
     */
    final boolean applyWhole(INDArray gradient) {
        model.apply(gradient);
        if (!NativeFloats.allFinite(model.parametersBuffer())) {
            model.poison();
            return false;
        }
        publisher.publish();
        return true;
    }

    /** Log text for a poisoned shard: what happened and what to do. */
    final String poisonedReason(long version) {
        return "the parameters of shard " + shard + " became non-finite at version " + version + " although the"
                + " gradient was finite (the optimizer overflowed: lower the learning rate); the shard publishes and"
                + " checkpoints nothing more; restart the server with resume from the last checkpoint";
    }

    /**
     * The workers whose values this step could overflow a sum of {@code n}: {@code |v| > Float.MAX_VALUE / n}, with
     * each one's largest magnitude, e.g. {@code [0 (host/pid) maxAbs=2.0E38, 1 (host/pid) maxAbs=3.0E38]}; every
     * contributor with its largest magnitude when none is above the bound.
     */
    final String outOfRange(float[] maxAbs, boolean[] contributed, int n) {
        float bound = Float.MAX_VALUE / Math.max(1, n);
        StringBuilder sb = new StringBuilder("[");
        for (boolean all : new boolean[]{false, true}) {
            for (int w = 0; w < maxAbs.length; w++) {
                if (contributed[w] && (all || maxAbs[w] > bound)) {
                    sb.append(sb.length() == 1 ? "" : ", ").append(w).append(" (").append(registry.address(w))
                            .append(") maxAbs=").append(maxAbs[w]);
                }
            }
            if (sb.length() > 1) {
                break;
            }
        }
        return sb.append(']').toString();
    }

    /** Counts a step applied since {@code startNs} and writes a checkpoint when one is due. */
    final void stepApplied(long startNs) {
        stats.aggregationNs.addAndGet(System.nanoTime() - startNs);
        stats.stepsApplied.incrementAndGet();
        model.checkpointIfDue();
    }

    /** Counts a chunk's payload in and the worker's step as pushed. */
    final void countIn(int worker, long step, DirectBuffer payload) {
        stats.bytesIn.addAndGet(payload.capacity());
        stats.chunksIn.incrementAndGet();
        registry.pushed(worker, step, System.nanoTime());
    }
}
