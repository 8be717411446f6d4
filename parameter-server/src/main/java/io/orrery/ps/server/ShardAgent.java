package io.orrery.ps.server;

import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.orrery.core.optimizers.Optimizer;
import io.orrery.core.optimizers.OptimizerState;
import io.orrery.core.optimizers.RangedStep;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.Float32Ingest;
import io.orrery.ps.protocol.GradientCodec;
import io.orrery.ps.protocol.MessageAdapter;
import io.orrery.ps.protocol.MessageListener;
import io.orrery.ps.protocol.ServerProxy;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.WireValues;
import io.orrery.ps.protocol.WorkerProxy;
import io.orrery.ps.protocol.sbe.Encoding;
import io.orrery.ps.protocol.sbe.GradientChunkDecoder;
import io.orrery.ps.transport.NativeFloats;
import io.orrery.ps.transport.Offers;
import io.orrery.ps.transport.TransportException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Aggregates and updates one contiguous shard of the flat parameter buffer, on its own thread with its own
 * subscription. Gradient chunks are checked, then added straight from the Aeron log into the accumulator (no staging
 * copy). In SYNC mode, when all N workers' chunks of step t are in, the accumulator is averaged, the model's
 * optimizer is applied to this shard's slice with this shard's own optimizer state, and version t+1 is broadcast.
 * In ASYNC and BOUNDED mode each worker's complete gradient (scaled by 1/N) is applied on arrival.
 *
 * <p>Only this agent's thread touches its parameters, accumulators and optimizer state; other threads talk to it
 * through the atomic request fields (republish, checkpoint).
 */
final class ShardAgent implements Agent, MessageListener {

    private static final Logger LOG = LoggerFactory.getLogger(ShardAgent.class);
    private static final int FRAGMENT_LIMIT = 64;

    private final ParameterServerConfig config;
    private final int shard;
    private final ShardLayout layout;
    private final int shardLength;
    private final int chunkCount;
    private final int workers;
    private final Subscription subscription;
    private final Publication broadcast;
    private final ServerProxy proxy;
    private final FragmentAssembler assembler;
    private final WorkerRegistry registry;
    private final ServerStats stats;
    private final Optimizer optimizer;
    private final OptimizerState state;
    private final INDArray params;
    private final UnsafeBuffer paramsBuffer = new UnsafeBuffer(0, 0);
    private final CheckpointStore checkpoints;
    private final long stepTimeoutNs;
    private final Encoding wireEncoding;

    // SYNC: one accumulator for the step in progress; ASYNC/BOUNDED: one per worker.
    private final INDArray[] accumulators;
    private final UnsafeBuffer[] accBuffers;
    private final Float32Ingest ingest;
    private static final int UPDATE_RANGE_ELEMENTS = 32 * 1024;
    private ArrivalIdleStrategy arrivals;
    private final int chunksPerRange;
    private final RangedStep chunkedStep;
    private final boolean[] received;
    private final int[] contributors;
    private final long[] workerStep;
    private final int[] workerChunks;
    private int receivedCount;
    private long stepStartNs;
    private long version;

    private final AtomicLong republishRequests = new AtomicLong();
    private long republishHandled;
    private final AtomicReference<CompletableFuture<Path>> checkpointRequest = new AtomicReference<>();
    private volatile long publishedVersion;
    private int publishCursor = -1;
    private long publishStallSinceNs;
    private boolean stallReported;

    ShardAgent(ParameterServerConfig config, int shard, ShardLayout layout, Subscription subscription,
               Publication broadcast, WorkerRegistry registry, ServerStats stats, INDArray initialParams,
               OptimizerState initialState, long initialVersion, CheckpointStore checkpoints) {
        this.config = config;
        this.shard = shard;
        this.layout = layout;
        this.shardLength = layout.shardLength(shard);
        this.chunkCount = layout.chunkCount(shard);
        this.workers = config.workers();
        this.subscription = subscription;
        this.broadcast = broadcast;
        this.registry = registry;
        this.stats = stats;
        this.optimizer = config.optimizer();
        this.checkpoints = checkpoints;
        this.stepTimeoutNs = config.stepTimeout().toNanos();
        this.wireEncoding = WireValues.encoding(config.encoding());
        int maxPayload = layout.chunkElements() * 8;
        this.proxy = new ServerProxy(config.jobId(), ServerProxy.parameterMessageLength(layout.chunkElements() * 4),
                new BackoffIdleStrategy(), config.offerTimeout().toNanos());
        this.assembler = new FragmentAssembler(new MessageAdapter(this, stats.drops,
                WorkerProxy.gradientMessageLength(maxPayload)));
        this.params = initialParams.dup();
        NativeFloats.wrap(params, paramsBuffer, "shard parameters");
        this.state = initialState != null ? initialState : optimizer.newState(shardLength, DataType.FLOAT);
        this.version = initialVersion;
        this.publishedVersion = initialVersion;
        int accCount = config.mode().isSync() ? 1 : workers;
        this.accumulators = new INDArray[accCount];
        this.accBuffers = new UnsafeBuffer[accCount];
        for (int i = 0; i < accCount; i++) {
            accumulators[i] = Nd4j.zeros(DataType.FLOAT, shardLength);
            accBuffers[i] = NativeFloats.wrap(accumulators[i], new UnsafeBuffer(0, 0), "accumulator");
        }
        this.received = new boolean[workers * chunkCount];
        this.contributors = new int[chunkCount];
        int maxChunk = 0;
        for (int c = 0; c < chunkCount; c++) {
            maxChunk = Math.max(maxChunk, layout.chunkLength(shard, c));
        }
        this.ingest = new Float32Ingest(maxChunk);
        this.chunksPerRange = Math.max(1, UPDATE_RANGE_ELEMENTS / Math.max(1, layout.chunkLength(shard, 0)));
        this.chunkedStep = config.mode().isSync() ? chunkedStep(layout, shard, chunkCount, chunksPerRange) : null;
        this.workerStep = new long[workers];
        this.workerChunks = new int[workers];
        Arrays.fill(workerStep, -1);
    }

    /**
     * The SYNC update in ranges of whole chunks, about {@link #UPDATE_RANGE_ELEMENTS} values each: per-range setup
     * costs a few microseconds, so one range per chunk (200 for the reference model) made the update 0.25 ms slower
     * than one whole-shard update, while ranges of 16 chunks cost about the same as one (measured).
     */
    private RangedStep chunkedStep(ShardLayout layout, int shard, int chunkCount, int perRange) {
        int ranges = (chunkCount + perRange - 1) / perRange;
        int[] offsets = new int[ranges];
        int[] lengths = new int[ranges];
        for (int c = 0; c < chunkCount; c++) {
            int r = c / perRange;
            if (c % perRange == 0) {
                offsets[r] = layout.chunkOffset(c);
            }
            lengths[r] += layout.chunkLength(shard, c);
        }
        return new RangedStep(optimizer, params, accumulators[0], state, offsets, lengths);
    }

    /** SYNC: tells the agent's idle strategy when steps publish and gradients arrive (set before the agent starts). */
    void expectArrivals(ArrivalIdleStrategy idle) {
        this.arrivals = config.mode().isSync() ? idle : null;
    }

    @Override
    public String roleName() {
        return "orrery-ps-shard-" + shard;
    }

    @Override
    public int doWork() {
        int work = subscription.poll(assembler, FRAGMENT_LIMIT);
        long requests = republishRequests.get();
        if (requests != republishHandled) {
            republishHandled = requests;
            startPublish();
            work++;
        }
        work += continuePublish();
        CompletableFuture<Path> request = checkpointRequest.getAndSet(null);
        if (request != null) {
            try {
                request.complete(writeCheckpoint());
            } catch (IOException | RuntimeException e) {
                request.completeExceptionally(e);
            }
            work++;
        }
        if (config.mode().isSync() && receivedCount > 0 && System.nanoTime() - stepStartNs > stepTimeoutNs) {
            onStepTimeout();
            work++;
        }
        return work;
    }

    @Override
    public DropReason onGradientChunk(GradientChunkDecoder chunk, DirectBuffer payload) {
        if (chunk.jobId() != config.jobId()) {
            return DropReason.FOREIGN_JOB;
        }
        if (chunk.token() != config.token()) {
            return DropReason.BAD_TOKEN;
        }
        int worker = chunk.workerId();
        // ASYNC/BOUNDED: a worker's last gradient can still be in this shard's stream when its Leave (control
        // stream, another thread) has been handled; it was sent while a member and carries the job token, so it is
        // applied. SYNC keeps strict membership: a step waits only for current members.
        boolean known = registry.isMember(worker) || (!config.mode().isSync() && registry.hasJoined(worker));
        if (!known || worker >= workers) {
            return DropReason.UNKNOWN_WORKER;
        }
        if (chunk.shard() != shard) {
            return DropReason.BAD_SHARD;
        }
        int index = chunk.chunkIndex();
        if (chunk.chunkCount() != chunkCount || index < 0 || index >= chunkCount) {
            return DropReason.BAD_CHUNK;
        }
        if (chunk.elementOffset() != layout.chunkOffset(index)) {
            return DropReason.BAD_LENGTH;
        }
        if (chunk.encoding() != wireEncoding) {
            return DropReason.BAD_ENCODING;
        }
        long step = chunk.step();
        if (chunk.baseVersion() > version) {
            return DropReason.EARLY;
        }
        int chunkLength = layout.chunkLength(shard, index);
        return config.mode().isSync()
                ? onSyncChunk(chunk, payload, worker, index, step, chunkLength)
                : onAsyncChunk(chunk, payload, worker, index, step, chunkLength);
    }

    private DropReason onSyncChunk(GradientChunkDecoder chunk, DirectBuffer payload, int worker, int index, long step,
                                   int chunkLength) {
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
        DropReason bad = check(chunk.encoding(), payload, chunk.elementCount(), chunkLength);
        if (bad != null) {
            return bad;
        }
        add(chunk.encoding(), payload, chunk.elementCount(), accBuffers[0], layout.chunkOffset(index) * 4);
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
                accumulators[0].divi(workers);
            }
            applyAndPublish(accumulators[0], start);
            resetSync();
        }
        return null;
    }

    private DropReason onAsyncChunk(GradientChunkDecoder chunk, DirectBuffer payload, int worker, int index, long step,
                                    int chunkLength) {
        if (step < workerStep[worker]) {
            return DropReason.LATE;
        }
        int slot = worker * chunkCount + index;
        if (step == workerStep[worker] && received[slot]) {
            return DropReason.DUPLICATE;
        }
        DropReason bad = check(chunk.encoding(), payload, chunk.elementCount(), chunkLength);
        if (bad != null) {
            return bad;
        }
        if (step > workerStep[worker]) {
            if (workerChunks[worker] > 0) {
                LOG.warn("shard={} workerId={} abandoned its incomplete gradient of step={} ({} of {} chunks) for step={}",
                        shard, worker, workerStep[worker], workerChunks[worker], chunkCount, step);
                accumulators[worker].assign(0);
                Arrays.fill(received, worker * chunkCount, (worker + 1) * chunkCount, false);
            }
            workerStep[worker] = step;
            workerChunks[worker] = 0;
        }
        add(chunk.encoding(), payload, chunk.elementCount(), accBuffers[worker], layout.chunkOffset(index) * 4);
        received[slot] = true;
        workerChunks[worker]++;
        stats.bytesIn.addAndGet(payload.capacity());
        stats.chunksIn.incrementAndGet();
        if (workerChunks[worker] == chunkCount) {
            registry.pushed(worker, step, System.nanoTime());
            long start = System.nanoTime();
            stats.staleness(version - chunk.baseVersion());
            accumulators[worker].divi(workers);
            applyAndPublish(accumulators[worker], start);
            accumulators[worker].assign(0);
            Arrays.fill(received, worker * chunkCount, (worker + 1) * chunkCount, false);
            workerChunks[worker] = 0;
            workerStep[worker] = step + 1;
        }
        return null;
    }

    private DropReason check(Encoding encoding, DirectBuffer payload, int elementCount, int chunkLength) {
        return fastFloat32(encoding) ? ingest.check(payload, elementCount, chunkLength)
                : GradientCodec.check(encoding, payload, elementCount, chunkLength);
    }

    /** Adds a payload that {@link #check} accepted just before. */
    private void add(Encoding encoding, DirectBuffer payload, int elementCount, UnsafeBuffer accumulator, int byteOffset) {
        if (fastFloat32(encoding)) {
            ingest.addChecked(accumulator, byteOffset);
        } else {
            GradientCodec.addInto(encoding, payload, elementCount, accumulator, byteOffset);
        }
    }

    private static boolean fastFloat32(Encoding encoding) {
        return encoding == Encoding.FLOAT32 && Float32Ingest.supported();
    }

    private void countIn(int worker, long step, DirectBuffer payload) {
        stats.bytesIn.addAndGet(payload.capacity());
        stats.chunksIn.incrementAndGet();
        registry.pushed(worker, step, System.nanoTime());
    }

    private void applyAndPublish(INDArray gradient, long startNs) {
        // SYNC (the only mode with a chunked step, its gradient accumulator 0), unless a broadcast is still unsent.
        if (chunkedStep != null && publishCursor < 0) {
            applyChunksAndPublish();
        } else {
            optimizer.apply(params, gradient, state);
            version++;
            startPublish();
            continuePublish();
        }
        if (arrivals != null) {
            arrivals.published(System.nanoTime());
        }
        stats.aggregationNs.addAndGet(System.nanoTime() - startNs);
        stats.stepsApplied.incrementAndGet();
        if (checkpoints != null && config.checkpointEvery() > 0 && version % config.checkpointEvery() == 0) {
            try {
                writeCheckpoint();
            } catch (IOException e) {
                LOG.error("checkpoint failed: shard={} version={} dir={} error={}", shard, version,
                        config.checkpointDirectory(), e.toString());
            }
        }
    }

    /**
     * SYNC, all gradients in: updates the shard range by range (a few chunks each) and offers the chunks of the new
     * version as soon as they are updated, so that the workers copy the first chunks in while the optimizer runs on later ones (the same
     * result as one update of the whole shard, bit for bit: {@link RangedStep}). Chunks that back pressure holds
     * back are sent by {@link #continuePublish} as usual.
     */
    private void applyChunksAndPublish() {
        long next = version + 1;
        publishCursor = 0;
        publishStallSinceNs = 0;
        stallReported = false;
        publishedVersion = next;
        long minStep = minMemberStep();
        boolean offering = true;
        for (int r = 0; r < chunkedStep.ranges(); r++) {
            chunkedStep.apply(r);
            int last = Math.min(chunkCount, (r + 1) * chunksPerRange);
            while (offering && publishCursor < last) {
                offering = offerChunk(publishCursor, next, minStep) > 0;
                if (offering) {
                    publishCursor++;
                }
            }
        }
        chunkedStep.finish();
        version = next;
        continuePublish();
    }

    /** The oldest last step of the current members, or -1 without members (sent with every parameter chunk). */
    private long minMemberStep() {
        long minStep = Long.MAX_VALUE;
        for (int w = 0; w < workers; w++) {
            if (registry.isMember(w)) {
                minStep = Math.min(minStep, registry.lastStep(w));
            }
        }
        return minStep == Long.MAX_VALUE ? -1 : minStep;
    }

    /** Offers chunk {@code c} of the parameters at {@code atVersion}; counts the bytes when accepted. */
    private long offerChunk(int c, long atVersion, long minStep) {
        int offset = layout.chunkOffset(c);
        int length = layout.chunkLength(shard, c);
        long result = proxy.tryParameterChunk(broadcast, atVersion, minStep, shard, c, chunkCount, offset, length,
                paramsBuffer, offset * 4, length * 4);
        if (result > 0) {
            stats.bytesOut.addAndGet(length * 4L);
        }
        return result;
    }

    private void resetSync() {
        accumulators[0].assign(0);
        Arrays.fill(received, false);
        Arrays.fill(contributors, 0);
        receivedCount = 0;
    }

    /** A SYNC step started but not every worker's chunks arrived in time: apply the configured policy. */
    private void onStepTimeout() {
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
                    accumulators[0].get(NDArrayIndex.interval(from, from + layout.chunkLength(shard, c)))
                            .divi(contributors[c]);
                }
            }
            stats.partialSteps.incrementAndGet();
            applyAndPublish(accumulators[0], start);
        } else {
            String reason = "step " + version + " failed on shard " + shard + ": no gradient from workers " + who
                    + " within " + config.stepTimeout().toMillis() + " ms; parameters stay at version " + version
                    + "; the step may be sent again";
            LOG.error("step timed out, discarding it: shard={} step={} timeoutMs={} missingWorkers={} receivedChunks={}/{}",
                    shard, version, config.stepTimeout().toMillis(), who, receivedCount, workers * chunkCount);
            stats.failedSteps.incrementAndGet();
            try {
                proxy.stepFailed(broadcast, version, shard, reason);
            } catch (TransportException e) {
                LOG.error("could not tell workers about the failed step: shard={} step={} error={}", shard, version, e.getMessage());
            }
        }
        resetSync();
    }

    /** Starts broadcasting this shard's parameters at the current version; {@link #continuePublish} sends them. */
    private void startPublish() {
        if (publishCursor >= 0 && publishedVersion < version) {
            // The previous version is still partly unsent (the broadcast is back pressured): publish the newest
            // instead of queueing both. Counted, never silent; workers want the newest parameters anyway.
            stats.coalescedVersions.incrementAndGet();
            LOG.debug("broadcast coalesced: shard={} version={} replaced by version={} at chunk={}/{}", shard,
                    publishedVersion, version, publishCursor, chunkCount);
        }
        publishCursor = 0;
        publishStallSinceNs = 0;
        stallReported = false;
        publishedVersion = version;
    }

    /**
     * Sends as many chunks of the current version as the broadcast accepts without blocking. Back pressure (a
     * worker not reading yet) leaves the rest for the next duty cycle; a stall longer than the offer timeout is
     * logged once. With no worker connected there is nobody to send to, and a joining worker asks anyway.
     */
    private int continuePublish() {
        if (publishCursor < 0) {
            return 0;
        }
        long minStep = minMemberStep();
        int sent = 0;
        while (publishCursor < chunkCount) {
            int c = publishCursor;
            long result = offerChunk(c, version, minStep);
            if (result > 0) {
                publishCursor++;
                sent++;
                publishStallSinceNs = 0;
                continue;
            }
            if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED
                    || result == Publication.MAX_POSITION_EXCEEDED) {
                stats.publishFailures.incrementAndGet();
                LOG.warn("parameters not published: shard={} version={} chunk={}/{} result={}", shard, version, c,
                        chunkCount, Offers.resultName(result));
                publishCursor = -1;
                return sent;
            }
            long now = System.nanoTime();
            if (publishStallSinceNs == 0) {
                publishStallSinceNs = now;
            } else if (!stallReported && now - publishStallSinceNs > config.offerTimeout().toNanos()) {
                stallReported = true;
                stats.publishFailures.incrementAndGet();
                LOG.warn("broadcast stalled: shard={} version={} chunk={}/{} result={} stalledMs={} members={}"
                                + " hint=\"a worker is not reading parameters (flow control waits for the slowest)\"",
                        shard, version, c, chunkCount, Offers.resultName(result),
                        (now - publishStallSinceNs) / 1_000_000, registry.memberCount());
            }
            return sent;
        }
        publishCursor = -1;
        return sent;
    }

    private Path writeCheckpoint() throws IOException {
        if (checkpoints == null) {
            throw new IllegalStateException("checkpoint requested but no checkpoint directory is configured;"
                    + " set ParameterServerConfig.builder().checkpoints(dir, every)");
        }
        return checkpoints.write(config.jobId(), shard, layout.shardCount(), layout.modelLength(), layout.shardOffset(shard), version,
                optimizer.name(), params, state);
    }

    void requestRepublish() {
        republishRequests.incrementAndGet();
    }

    /** Writes a checkpoint of this shard's current version from the agent thread. */
    CompletableFuture<Path> requestCheckpoint() {
        CompletableFuture<Path> future = new CompletableFuture<>();
        CompletableFuture<Path> previous = checkpointRequest.getAndSet(future);
        if (previous != null) {
            future.whenComplete((p, e) -> {
                if (e != null) {
                    previous.completeExceptionally(e);
                } else {
                    previous.complete(p);
                }
            });
        }
        return future;
    }

    /** Version of the parameters this shard holds and broadcasts (readable from any thread). */
    long publishedVersion() {
        return publishedVersion;
    }

    int shard() {
        return shard;
    }

    /** The shard's parameters; safe to read only while the agent is idle or stopped. */
    INDArray parameters() {
        return params;
    }

    /** The shard's optimizer state; safe to read only while the agent is idle or stopped. */
    OptimizerState optimizerState() {
        return state;
    }
}
