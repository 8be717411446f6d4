package io.orrery.ps.server;

import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.orrery.core.optimizers.OptimizerState;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.MessageAdapter;
import io.orrery.ps.protocol.MessageListener;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.WireValues;
import io.orrery.ps.protocol.WorkerProxy;
import io.orrery.ps.protocol.sbe.Encoding;
import io.orrery.ps.protocol.sbe.GradientChunkDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The duty cycle of one contiguous shard of the flat parameter buffer, on its own thread with its own subscription:
 * polls gradient chunks, checks what every mode checks (job, token, worker, shard, chunk, encoding) and hands them
 * to the mode's {@link Aggregator}, which adds them straight from the Aeron log into its accumulator (no staging
 * copy) and applies the optimizer through the {@link ShardModel}; the {@link ShardPublisher} broadcasts each new
 * version. Also serves republish and checkpoint requests.
 *
 * <p>Only this agent's thread touches its parameters, accumulators and optimizer state; other threads talk to it
 * through the atomic request fields (republish, checkpoint).
 */
final class ShardAgent implements Agent, MessageListener {

    private static final int FRAGMENT_LIMIT = 64;
    /**
     * How far a worker's step may be ahead of the shard's version. An honest worker is a few steps ahead at most
     * (its step starts at the version it received and moves on once per push, each push moving the version on
     * once); a step far beyond would only pin the worker's slot (ASYNC drops older steps as late) or overflow.
     */
    static final long MAX_STEPS_AHEAD = 1 << 16;

    private final ParameterServerConfig config;
    private final int shard;
    private final ShardLayout layout;
    private final int chunkCount;
    private final int workers;
    private final Encoding wireEncoding;
    private final Subscription subscription;
    private final MessageAdapter adapter;
    private final FragmentAssembler assembler;
    private final WorkerRegistry registry;
    private final ShardModel model;
    private final ShardPublisher publisher;
    private final Aggregator aggregator;

    private final AtomicLong republishRequests = new AtomicLong();
    private long republishHandled;
    private final AtomicReference<CompletableFuture<Path>> checkpointRequest = new AtomicReference<>();

    ShardAgent(ParameterServerConfig config, int shard, ShardLayout layout, Subscription subscription,
               Publication broadcast, WorkerRegistry registry, ServerStats stats, INDArray initialParams,
               OptimizerState initialState, long initialVersion, CheckpointStore checkpoints) {
        this.config = config;
        this.shard = shard;
        this.layout = layout;
        this.chunkCount = layout.chunkCount(shard);
        this.workers = config.workers();
        this.wireEncoding = WireValues.encoding(config.encoding());
        this.subscription = subscription;
        this.adapter = new MessageAdapter(this, stats.drops, WorkerProxy.gradientMessageLength(layout.chunkElements() * 8));
        this.assembler = new FragmentAssembler(adapter);
        this.registry = registry;
        this.model = new ShardModel(config, shard, layout, initialParams, initialState, initialVersion, checkpoints);
        this.publisher = new ShardPublisher(config, shard, layout, broadcast, model, registry, stats);
        this.aggregator = Aggregator.forMode(config, shard, layout, model, publisher, registry, stats);
    }

    /** Tells the agent's idle strategy when steps publish and gradients arrive (set before the agent starts). */
    void expectArrivals(ArrivalIdleStrategy idle) {
        aggregator.expectArrivals(idle);
        this.arrivals = idle;
    }

    /** The agent stops: a step it was yielding for will not come, so the drivers here may nap again. */
    @Override
    public void onClose() {
        if (arrivals != null) {
            arrivals.release();
        }
    }

    private ArrivalIdleStrategy arrivals;

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
            publisher.startPublish();
            work++;
        }
        work += publisher.continuePublish();
        CompletableFuture<Path> request = checkpointRequest.getAndSet(null);
        if (request != null) {
            try {
                request.complete(model.writeCheckpoint());
            } catch (IOException | RuntimeException e) {
                request.completeExceptionally(e);
            }
            work++;
        }
        work += aggregator.onDuty(System.nanoTime());
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
        if (worker < 0 || worker >= workers || !aggregator.accepts(worker)) {
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
        long base = chunk.baseVersion();
        if (step < 0 || base < 0 || step > model.version() + MAX_STEPS_AHEAD) {
            return DropReason.NOT_CANONICAL;
        }
        if (base > model.version()) {
            return DropReason.EARLY;
        }
        if (!registry.holds(worker, adapter.sessionId(), adapter.sourceIdentity())) {
            return DropReason.WRONG_SENDER; // another sender than the one that joined with this id
        }
        if (model.poisoned()) {
            return DropReason.NON_FINITE; // the shard's parameters are not finite: it takes nothing more
        }
        return aggregator.onChunk(chunk, payload, worker, index, step, layout.chunkLength(shard, index));
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
        return publisher.publishedVersion();
    }

    int shard() {
        return shard;
    }

    /** The shard's parameters; safe to read only while the agent is idle or stopped. */
    INDArray parameters() {
        return model.parameters();
    }

    /** The shard's optimizer state; safe to read only while the agent is idle or stopped. */
    OptimizerState optimizerState() {
        return model.optimizerState();
    }
}
