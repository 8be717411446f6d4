package io.orrery.ps.server;

import io.aeron.Publication;
import io.aeron.Subscription;
import io.orrery.core.optimizers.OptimizerState;
import io.orrery.ps.protocol.DropCounters;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.transport.AeronEndpoint;
import io.orrery.ps.transport.Channels;
import io.orrery.ps.transport.DriverDemand;
import io.orrery.ps.transport.ThrottledErrorLog;
import io.orrery.ps.transport.UdpSettings;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A running parameter server: {@code try (ParameterServer server = ParameterServer.start(config)) { ... }}.
 *
 * <p>Starts (unless an external driver directory is configured) an embedded media driver in its own directory,
 * one agent thread per shard and one control thread. Workers connect with
 * {@link io.orrery.ps.client.ParameterServerClient}. {@link #close()} stops the threads, the client and the driver and
 * removes the driver's directory; it is idempotent.
 */
public final class ParameterServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ParameterServer.class);

    private final ParameterServerConfig config;
    private final ShardLayout layout;
    private final AeronEndpoint endpoint;
    private final ShardAgent[] shards;
    private final ControlAgent control;
    private final List<AgentRunner> runners = new ArrayList<>();
    private final ServerStats stats;
    private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    private boolean closed;

    private ParameterServer(ParameterServerConfig config, ShardLayout layout, AeronEndpoint endpoint,
                            ShardAgent[] shards, ControlAgent control, ServerStats stats) {
        this.config = config;
        this.layout = layout;
        this.endpoint = endpoint;
        this.shards = shards;
        this.control = control;
        this.stats = stats;
    }

    /** Starts a server; returns once it is ready for joins. */
    public static ParameterServer start(ParameterServerConfig config) {
        int first = config.firstShard();
        int owned = config.ownedShards();
        CheckpointStore store = null;
        CheckpointFile.ShardState[] resumed = null;
        try {
            if (config.checkpointDirectory() != null) {
                store = new CheckpointStore(config.checkpointDirectory());
            }
            if (config.resume()) {
                resumed = store.loadLatest(new CheckpointFile.Expected(config.jobId(), config.shards(),
                        config.modelLength(), config.chunkElements(), config.optimizer().name(),
                        config.optimizer().slotCount()), first, owned);
                if (resumed == null && config.initialParameters() == null) {
                    throw new IllegalStateException("resume: no complete checkpoint of shards " + first + ".."
                            + (first + owned - 1) + " of " + config.shards() + " in " + config.checkpointDirectory()
                            + " and no initial parameters; check the directory and the shard count");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume from checkpoint directory " + config.checkpointDirectory()
                    + ": " + e.getMessage(), e);
        }
        long resumeVersion = resumed == null ? -1 : resumed[0].version;
        long modelLength = resumed == null ? config.modelLength() : resumed[0].modelLength;
        // CheckpointFile has checked every resumed shard's offset and length against this layout.
        ShardLayout layout = new ShardLayout(modelLength, config.shards(), config.chunkElements());

        // With a key over UDP, parameters go only to proven workers (manual MDC) and a second publication carries
        // challenges and rejections; otherwise one broadcast carries both.
        boolean keyedUdp = config.jobKey() != null && !config.ipc();
        int logBuffers = 1 + config.workers() * (owned + 1) + (keyedUdp ? 1 : 0);
        AeronEndpoint endpoint = AeronEndpoint.start("server", config.aeronDirectory(), config.termLength(), logBuffers);
        try {
            Publication broadcast = endpoint.aeron().addPublication(keyedUdp
                    ? Channels.serverParameters(config.bindHost(), config.mtu(), config.termLength())
                    : Channels.serverBroadcast(config.bindHost(), config.port(), config.mtu(), config.termLength()),
                    Channels.BROADCAST_STREAM_ID);
            Publication replies = !keyedUdp ? broadcast : endpoint.aeron().addPublication(
                    Channels.serverReplies(config.bindHost(), config.port(), config.mtu(), config.termLength()),
                    Channels.BROADCAST_STREAM_ID);
            int senders = config.workers() * owned;
            String ingress = Channels.serverIngress(config.bindHost(), config.port(), config.mtu(), senders);
            String crowded = config.ipc() ? null : UdpSettings.forHost(config.bindHost()).ingressWarning(senders);
            if (crowded != null) {
                LOG.warn(crowded);
            }
            Subscription controlSubscription = endpoint.aeron().addSubscription(ingress, Channels.CONTROL_STREAM_ID);
            DropCounters drops = new DropCounters(LoggerFactory.getLogger("io.orrery.ps.server.Drops"), "server");
            ServerStats stats = new ServerStats(drops);
            stats.carry(store);
            WorkerRegistry registry = new WorkerRegistry(config.workers());
            ShardAgent[] shards = new ShardAgent[owned];
            for (int i = 0; i < owned; i++) {
                int s = first + i;
                Subscription sub = endpoint.aeron().addSubscription(ingress, Channels.SHARD_STREAM_BASE + s);
                INDArray params;
                OptimizerState state = null;
                long version = 0;
                if (resumed != null) {
                    params = resumed[i].params;
                    state = resumed[i].state;
                    version = resumed[i].version;
                } else {
                    long from = layout.shardOffset(s);
                    params = config.initialParameters().get(NDArrayIndex.interval(from, from + layout.shardLength(s))).dup();
                    state = sliceOf(config.initialOptimizerState(), from, layout.shardLength(s));
                    version = config.initialVersion();
                }
                shards[i] = new ShardAgent(config, s, layout, sub, broadcast, registry, stats, params, state, version, store);
            }
            ControlAgent control = new ControlAgent(config, layout, controlSubscription, broadcast, replies,
                    new BroadcastDestinations(keyedUdp ? broadcast : null, config.workers()), registry, stats, shards);
            ParameterServer server = new ParameterServer(config, layout, endpoint, shards, control, stats);
            endpoint.onFatalError(server::fail);
            // The control agent shares the first shard's thread (a server hosts at least one shard): one polling
            // thread fewer to wake while the workers compute (each wake-up takes CPU from their BLAS threads).
            for (int i = 0; i < shards.length; i++) {
                ArrivalIdleStrategy idle = new ArrivalIdleStrategy(
                        config.ipc() ? DriverDemand.Flag.NONE : endpoint.demand().flag());
                shards[i].expectArrivals(idle);
                server.launch(i == 0 ? new CompositeAgent(shards[0], control) : shards[i], idle);
            }
            LOG.info("parameter server started: jobId={} mode={} workers={} shards={} hostedShards={}..{}"
                            + " modelLength={} chunkElements={} ingress={} broadcast={} aeronDir={} embeddedDriver={}"
                            + " resumedVersion={} keyed={}{}",
                    config.jobId(), config.mode(),
                    config.workers(), config.shards(), first, first + owned - 1, layout.modelLength(),
                    layout.chunkElements(), ingress, broadcast.channel(), endpoint.directory(), endpoint.embedded(),
                    resumeVersion, config.jobKey() != null, keyedUdp ? " replies=" + replies.channel() : "");
            return server;
        } catch (RuntimeException e) {
            endpoint.close();
            throw e;
        }
    }

    /** A shard's own copy of {@code whole}'s slots over {@code [from, from + length)}; null for null. */
    private static OptimizerState sliceOf(OptimizerState whole, long from, long length) {
        if (whole == null) {
            return null;
        }
        INDArray[] slots = new INDArray[whole.slots().length];
        for (int k = 0; k < slots.length; k++) {
            slots[k] = whole.slots()[k].reshape(-1).get(NDArrayIndex.interval(from, from + length)).dup();
        }
        return new OptimizerState(whole.iterations(), slots);
    }

    private void launch(Agent agent, IdleStrategy idle) {
        AgentRunner runner = new AgentRunner(idle, new ThrottledErrorLog(LOG, agent.roleName()), null, agent);
        runners.add(runner);
        AgentRunner.startOnThread(runner);
    }

    public ParameterServerConfig config() {
        return config;
    }

    public ShardLayout layout() {
        return layout;
    }

    /** The job token workers must present (random unless configured). */
    public long token() {
        return config.token();
    }

    /** Directory of the media driver; workers in the same JVM or host use it for {@code aeron:ipc}. */
    public String aeronDirectory() {
        return endpoint.directory();
    }

    public ServerStats stats() {
        return stats;
    }

    /** Lowest parameter version all shards have published (= steps applied in SYNC mode). */
    public long version() {
        return control.currentVersion();
    }

    /**
     * A copy of the whole flat parameter vector (zeros outside the shards this process hosts). Consistent only when
     * no step is in progress (for example after the workers have received the last version).
     */
    public INDArray parameters() {
        INDArray out = Nd4j.create(DataType.FLOAT, layout.modelLength());
        for (ShardAgent shard : shards) {
            long from = layout.shardOffset(shard.shard());
            out.get(NDArrayIndex.interval(from, from + layout.shardLength(shard.shard()))).assign(shard.parameters());
        }
        return out;
    }

    /** Shard {@code shard}'s optimizer state (a shard this process hosts); read it only when no step is in progress. */
    public OptimizerState optimizerState(int shard) {
        int local = shard - config.firstShard();
        if (local < 0 || local >= shards.length) {
            throw new IllegalArgumentException("shard " + shard + " is not hosted here: this server hosts shards "
                    + config.firstShard() + ".." + (config.firstShard() + shards.length - 1));
        }
        return shards[local].optimizerState();
    }

    /**
     * The contiguous parameters of the shards this process hosts (a copy), from the first hosted shard's offset.
     * Consistent only when no step is in progress.
     */
    public INDArray hostedParameters() {
        INDArray[] parts = new INDArray[shards.length];
        for (int i = 0; i < shards.length; i++) {
            parts[i] = shards[i].parameters().reshape(-1);
        }
        return parts.length == 1 ? parts[0].dup() : Nd4j.concat(0, parts);
    }

    /** The hosted shards' optimizer state, joined in shard order; read it only when no step is in progress. */
    public OptimizerState hostedOptimizerState() {
        OptimizerState first = shards[0].optimizerState();
        INDArray[] slots = new INDArray[first.slots().length];
        for (int k = 0; k < slots.length; k++) {
            INDArray[] parts = new INDArray[shards.length];
            for (int s = 0; s < parts.length; s++) {
                parts[s] = shards[s].optimizerState().slots()[k].reshape(-1);
            }
            slots[k] = parts.length == 1 ? parts[0].dup() : Nd4j.concat(0, parts);
        }
        return new OptimizerState(first.iterations(), slots);
    }

    /**
     * The optimizer state of the whole flat buffer, joined from the shards (this process must host every shard of
     * the job); read it only when no step is in progress. With one shard it is that shard's state itself.
     */
    public OptimizerState optimizerState() {
        if (shards.length != layout.shardCount()) {
            throw new IllegalStateException("whole-model optimizer state: this server hosts shards "
                    + config.firstShard() + ".." + (config.firstShard() + shards.length - 1) + " of "
                    + layout.shardCount() + "; read each hosted shard with optimizerState(shard)");
        }
        OptimizerState first = shards[0].optimizerState();
        if (shards.length == 1) {
            return first;
        }
        INDArray[] slots = new INDArray[first.slots().length];
        for (int k = 0; k < slots.length; k++) {
            INDArray[] parts = new INDArray[shards.length];
            for (int s = 0; s < parts.length; s++) {
                parts[s] = shards[s].optimizerState().slots()[k].reshape(-1);
            }
            slots[k] = Nd4j.concat(0, parts);
        }
        // Every shard applies every step, so their iteration counts agree.
        return new OptimizerState(first.iterations(), slots);
    }

    /** Asks every shard to checkpoint its current version; completes when all files are written. */
    public CompletableFuture<List<Path>> checkpoint() {
        List<CompletableFuture<Path>> parts = new ArrayList<>();
        for (ShardAgent shard : shards) {
            parts.add(shard.requestCheckpoint());
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).thenApply(v -> {
            List<Path> paths = new ArrayList<>();
            for (CompletableFuture<Path> p : parts) {
                paths.add(p.join());
            }
            return paths;
        });
    }

    /**
     * Completes, with the cause, when the server stopped by itself because its transport failed for good (its media
     * driver died or stopped answering): the agents are stopped and the server closed, and the owner should report
     * the failure (the standalone server exits non-zero). Never completes while the server runs or after a normal
     * {@link #close()}.
     */
    public CompletableFuture<Throwable> failure() {
        return failure;
    }

    /** The transport is gone: stop the agents (they would spin on dead publications for ever), close, tell the owner. */
    private void fail(Throwable cause) {
        synchronized (this) {
            if (closed) {
                return; // closed by its owner first: a driver shutting down after that is no failure
            }
        }
        LOG.error("parameter server failed: jobId={} aeronDir={} embeddedDriver={} error={}; it lost its media driver"
                        + " (dead, or it dropped this client), so nothing can reach it or leave it: stopping (restart it"
                        + " with resume to continue from the last checkpoint)", config.jobId(), endpoint.directory(),
                endpoint.embedded(), cause.toString());
        try {
            close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        failure.complete(cause);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AgentRunner runner : runners) {
            CloseHelper.quietClose(runner);
        }
        LOG.info("parameter server stopped: jobId={} version={} {}", config.jobId(), control.currentVersion(), stats.line());
        endpoint.close();
    }
}
