package io.orrery.ps.client;

import io.orrery.ps.TrainingMode;
import io.orrery.ps.client.JoinHandshake.JobTerms;
import io.orrery.ps.protocol.DropCounters;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.MessageListener;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.WorkerProxy;
import io.orrery.ps.protocol.sbe.ChallengeDecoder;
import io.orrery.ps.protocol.sbe.JoinAckDecoder;
import io.orrery.ps.protocol.sbe.JoinStatus;
import io.orrery.ps.protocol.sbe.ParameterChunkDecoder;
import io.orrery.ps.protocol.sbe.StepFailedDecoder;
import io.orrery.ps.transport.AeronEndpoint;
import io.orrery.ps.transport.NativeFloats;
import io.orrery.ps.transport.TransportException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A worker's connection to a parameter server.
 *
 * <pre>{@code
 * try (ParameterServerClient ps = ParameterServerClient.connect(config)) {
 *     ps.awaitInitialParameters(model.parameters(), Duration.ofSeconds(30));
 *     for (long step = ps.startStep(); ...; step++) {
 *         model.computeGradients(x, y);
 *         ps.pushGradients(step, model.gradients());
 *         ps.awaitParameters(step, model.parameters(), Duration.ofSeconds(60));
 *     }
 * }
 * }</pre>
 *
 * <p>Gradients go out chunk by chunk straight from the model's flat gradient buffer and parameters come back straight
 * into its flat parameter buffer (no per-layer copies). Every wait has a deadline; when it passes, the exception names
 * the shards and chunks still missing, the server address and this worker. Not thread safe, except that a daemon
 * thread sends heartbeats. {@link #close()} says goodbye to the server and is idempotent.
 *
 * <p>The parts: {@code ServerConnections} (setup), {@code JoinHandshake}, {@code Heartbeats},
 * {@code GradientEncoder}, {@code ParameterAssembler} (chunks into versions) polled by {@code BroadcastReceiver},
 * and the mode's {@code WaitPolicy}.
 */
public final class ParameterServerClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ParameterServerClient.class);

    /**
     * ASYNC/BOUNDED: the most gradients a worker computes on one parameter version ({@link #nextParameters}). Two
     * let the worker compute while the server applies its last gradient: each gradient is then computed on
     * parameters one of its own updates old, and the worker never waits while the server keeps up.
     */
    public static final int GRADIENTS_PER_VERSION = 2;

    private final ClientConfig config;
    private final String address;
    private final DropCounters drops = new DropCounters(LOG, "worker");
    private final ServerConnections connections;
    private final JoinHandshake handshake;
    private final WorkerProxy proxy;
    private final JobTerms terms;
    private final ShardLayout layout;
    private final ParameterAssembler assembler;
    private final BroadcastReceiver receiver;
    private final WaitPolicy waits;
    private final GradientEncoder encoder;
    private final Heartbeats heartbeats;
    private final UnsafeBuffer grads = new UnsafeBuffer(0, 0);
    /** Null until the join is done: parameters broadcast for other workers before that are not this worker's. */
    private ParameterAssembler joinedAssembler;
    private long joinVersion;
    private long bytesSent;

    private ParameterServerClient(ClientConfig config) {
        this.config = config;
        this.address = AeronEndpoint.processName() + (config.localAddress == null ? "" : "@" + config.localAddress);
        this.handshake = new JoinHandshake(config, address);
        this.connections = new ServerConnections(config, drops, BroadcastListener::new);
        try {
            // A worker waiting for parameters has nothing else to do: spin, then yield (gives the core to runnable
            // threads such as the server's agents on a small machine), and park only briefly, so that it wakes
            // within about 0.1 ms of the broadcast rather than up to a millisecond.
            IdleStrategy idle = new BackoffIdleStrategy(100, 2000, TimeUnit.MICROSECONDS.toNanos(1),
                    TimeUnit.MICROSECONDS.toNanos(100));
            this.proxy = new WorkerProxy(config.jobId, config.token,
                    WorkerProxy.gradientMessageLength(ShardLayout.maxChunkElements(config.termLength) * 4), idle,
                    config.offerTimeout.toNanos());
            this.terms = handshake.join(connections, proxy, idle);
            this.joinVersion = handshake.joinVersion();
            this.layout = terms.layout();
            this.assembler = new ParameterAssembler(layout);
            this.receiver = new BroadcastReceiver(connections, assembler, layout, terms.workerId(), address,
                    config.serverDescription(), idle);
            this.waits = DemandingWait.over(connections, WaitPolicy.forMode(terms.mode(), terms.workers(), receiver));
            this.encoder = new GradientEncoder(layout, terms.encoding(), config.sparseThreshold, config.sparseFraction);
            this.joinedAssembler = assembler;
            LOG.info("joined parameter server: server={} workerId={} mode={} workers={} {} encoding={} version={}",
                    config.serverDescription(), terms.workerId(), terms.mode(), terms.workers(), layout,
                    terms.encoding(), joinVersion);
            this.heartbeats = new Heartbeats(config, connections.all(), terms.workerId());
        } catch (RuntimeException e) {
            connections.close();
            throw e;
        }
    }

    /**
     * Launches the JVM's shared media driver (see {@link ClientConfig.Builder#sharedDriver}) ahead of the first worker,
     * with the default term length, and keeps it for {@code linger}: an executor can do this while it waits for work,
     * so that its first task's join does not pay for the launch.
     */
    public static void prelaunchSharedDriver(Duration linger) {
        ServerConnections.prelaunchSharedDriver(linger);
    }

    /** Connects to the server and joins the job; returns once the server has given this worker an id. */
    public static ParameterServerClient connect(ClientConfig config) {
        return new ParameterServerClient(config);
    }

    public int workerId() {
        return terms.workerId();
    }

    /**
     * The Aeron session id of every message this worker sends: the servers accept its worker id only from this
     * session (and the host and port it sends from).
     */
    public int sessionId() {
        return connections.sessionId();
    }

    public ShardLayout layout() {
        return layout;
    }

    /** The job's training mode, as the server told it at the join. */
    public TrainingMode mode() {
        return terms.mode();
    }

    /** The first step to compute: the version of the parameters received by {@link #awaitInitialParameters}. */
    public long startStep() {
        return joinVersion;
    }

    /**
     * ASYNC/BOUNDED: the lowest step the servers take from this worker id (one past the highest they received under
     * it, 0 for a new id; lower ones are dropped as late). A worker rejoining under its id numbers on from here.
     */
    public long nextOwnStep() {
        return handshake.nextStep();
    }

    /** Messages from the servers this worker dropped, by reason (malformed, foreign job, out-of-range shard ...). */
    public DropCounters drops() {
        return drops;
    }

    /** Gradient payload bytes this worker has sent. */
    public long bytesSent() {
        return bytesSent;
    }

    /** Parameter payload bytes this worker has taken into its flat buffer. */
    public long bytesReceived() {
        return assembler.bytesReceived();
    }

    /**
     * Sends the gradient of {@code step}, chunked per shard, straight from the flat buffer.
     *
     * @param step      in SYNC mode the parameter version the gradient was computed on (0, 1, 2, ...)
     * @param flatGrads flat float32 gradient vector, same layout as the parameters, length {@code modelLength}
     */
    public void pushGradients(long step, INDArray flatGrads) {
        receiver.checkLength(flatGrads, "flatGrads");
        receiver.drainStale();
        NativeFloats.wrap(flatGrads, grads, "flatGrads");
        for (int s = 0; s < layout.shardCount(); s++) {
            long baseVersion = waits.baseVersion(step, s);
            for (int c = 0; c < layout.chunkCount(s); c++) {
                encoder.encode(grads, s, c);
                try {
                    proxy.gradientChunk(connections.shardPublication(s), step, baseVersion, terms.workerId(), s, c,
                            layout.chunkCount(s), layout.chunkOffset(c), encoder.count(), encoder.encoding(),
                            encoder.payload(), encoder.payloadOffset(), encoder.payloadBytes());
                } catch (TransportException e) {
                    throw new TransportException("could not send gradients: step=" + step + " shard=" + s + " chunk=" + c
                            + " workerId=" + terms.workerId() + " server=" + config.serverDescription() + " cause="
                            + e.getMessage(), e);
                }
                bytesSent += encoder.payloadBytes();
            }
        }
        heartbeats.pushed(step);
    }

    /**
     * Asks the server for its current parameters and copies them into {@code flatParamsOut}; afterwards
     * {@link #startStep()} is the version received, the first step to compute. Call it right after connecting
     * (and after any failure), before the first {@link #pushGradients}.
     */
    public void awaitInitialParameters(INDArray flatParamsOut, Duration timeout) {
        for (ServerConnection c : connections.all()) {
            synchronized (c.control) {
                proxy.parametersRequest(c.control, terms.workerId());
            }
        }
        receiver.receive(ParameterAssembler.Want.AT_LEAST, joinVersion, flatParamsOut, timeout);
        joinVersion = assembler.oldestHeld();
    }

    /**
     * Waits for the parameters that follow {@code step} and copies them into {@code flatParamsOut}. In SYNC mode
     * that is exactly version {@code step + 1}; in ASYNC mode, for every shard, a newer version than the one this
     * worker held; in BOUNDED mode additionally until the slowest worker is at most the bound behind.
     *
     * @throws StepFailedException when the server gave up on the step (a worker's gradient was missing)
     * @throws ParameterServerTimeoutException when {@code timeout} passes; the message names the missing shards
     */
    public void awaitParameters(long step, INDArray flatParamsOut, Duration timeout) {
        waits.awaitParameters(step, flatParamsOut, timeout);
    }

    /**
     * Makes every later wait of this client (parameters, bounded staleness) end with {@link WaitCancelledException}
     * soon after {@code cancelled} returns true; checked between polls, so keep it cheap (a volatile read). Waits
     * also end when the calling thread is interrupted. Spark, for example, kills the surviving tasks of a failed
     * barrier stage without interrupting their threads, only marking their task context.
     */
    public void cancelWhen(BooleanSupplier cancelled) {
        receiver.cancelWhen(cancelled);
    }

    /**
     * The overlapped form of {@link #awaitParameters} for ASYNC and BOUNDED mode (in SYNC mode it is
     * {@code awaitParameters}): takes the newest parameters that have fully arrived without waiting for the server
     * to apply the gradient just pushed, so that the worker computes its next gradient while the server applies
     * this one. It waits for a newer version only once {@value #GRADIENTS_PER_VERSION} gradients were computed on
     * the parameters held, and in BOUNDED mode also for the bound. A version whose chunks are arriving is finished
     * first, so that the buffer never mixes two versions of a shard.
     *
     * @return whether every shard of {@code flatParamsOut} now holds newer parameters than before the call
     * @throws ParameterServerTimeoutException when a wait takes longer than {@code timeout}
     */
    public boolean nextParameters(long step, INDArray flatParamsOut, Duration timeout) {
        return waits.nextParameters(step, flatParamsOut, timeout);
    }

    /** Handles one server's broadcast; runs on the caller's thread during the join and the waits. */
    private final class BroadcastListener implements MessageListener {

        private final ServerConnection connection;
        /** The server's session and source, bound at the accepted join: nothing from another sender is used. */
        private final ServerSender server = new ServerSender();
        /**
         * A server with a key over UDP sends rejections and eviction notices on its replies publication: bound at the
         * accepted join to the sender of the challenge this worker answered.
         */
        private final ServerSender repliesSender = new ServerSender();

        BroadcastListener(ServerConnection connection) {
            this.connection = connection;
        }

        private DropReason checkSender() {
            return server.check(connection.adapter.sessionId(), connection.adapter.sourceIdentity());
        }

        @Override
        public DropReason onChallenge(ChallengeDecoder challenge, byte[] nonce) {
            return handshake.onChallenge(connection, challenge, nonce, proxy);
        }

        @Override
        public DropReason onJoinAck(JoinAckDecoder ack, String reason) {
            if (connection.pollingReplies) {
                // Only rejections come on the replies channel; an acceptance there is not from this job's server.
                if (ack.status() == JoinStatus.ACCEPTED) {
                    return DropReason.WRONG_SENDER;
                }
                DropReason wrong = repliesSender.check(connection.adapter.sessionId(),
                        connection.adapter.sourceIdentity());
                return wrong != null ? wrong : handshake.onJoinAck(connection, ack, reason);
            }
            DropReason wrong = checkSender(); // after the join: a rejection (eviction notice) only from the server
            if (wrong != null) {
                return wrong;
            }
            boolean joinedBefore = connection.joined;
            DropReason result = handshake.onJoinAck(connection, ack, reason);
            if (result == null && connection.joined && !joinedBefore) {
                server.bind(connection.adapter.sessionId(), connection.adapter.sourceIdentity());
                if (connection.replies != null) {
                    repliesSender.bind(connection.challengerSessionId, connection.challengerSource);
                }
            }
            return result;
        }

        @Override
        public DropReason onParameterChunk(ParameterChunkDecoder chunk, DirectBuffer payload) {
            if (connection.pollingReplies) {
                return DropReason.WRONG_SENDER; // parameters never come on the replies channel
            }
            ParameterAssembler parts = joinedAssembler;
            if (parts == null) {
                return null; // not joined yet: parameters for others
            }
            if (chunk.jobId() != config.jobId) {
                return DropReason.FOREIGN_JOB;
            }
            int s = chunk.shard();
            if (s < 0 || s >= layout.shardCount() || connections.owner(s) != connection) {
                return DropReason.BAD_SHARD;
            }
            DropReason bad = parts.check(s, chunk.chunkIndex(), chunk.chunkCount(), chunk.elementOffset(),
                    chunk.elementCount(), payload.capacity());
            if (bad != null) {
                return bad;
            }
            DropReason wrong = checkSender();
            if (wrong != null) {
                return wrong;
            }
            switch (parts.onChunk(s, chunk.chunkIndex(), chunk.version(), chunk.minWorkerStep(), payload)) {
                case LATER:
                    connection.adapter.abortCurrent(); // belongs to a later wait; leave it in the stream
                    receiver.stoppedAtLater();
                    break;
                case DONE:
                    connection.adapter.breakAfterCurrent();
                    break;
                default:
                    break;
            }
            return null;
        }

        @Override
        public DropReason onStepFailed(StepFailedDecoder failed, String reason) {
            if (connection.pollingReplies) {
                return DropReason.WRONG_SENDER; // step failures never come on the replies channel
            }
            if (failed.jobId() != config.jobId) {
                return DropReason.FOREIGN_JOB;
            }
            ParameterAssembler parts = joinedAssembler;
            if (parts == null) {
                return null;
            }
            DropReason wrong = checkSender();
            if (wrong != null) {
                return wrong;
            }
            if (parts.draining()) {
                connection.adapter.abortCurrent();
                receiver.stoppedAtLater();
                return null;
            }
            return parts.onStepFailed(failed.shard(), failed.step(), reason);
        }
    }

    @Override
    public void close() {
        if (heartbeats.closed()) {
            return;
        }
        heartbeats.close();
        try {
            for (ServerConnection c : connections.all()) {
                try {
                    synchronized (c.control) {
                        // The last step first, on the same stream as the Leave: the server then counts that step's
                        // chunks, which travel on other streams and may be read after the Leave.
                        proxy.heartbeat(c.control, terms.workerId(), heartbeats.lastPushed());
                        proxy.leave(c.control, terms.workerId());
                    }
                } catch (RuntimeException e) {
                    LOG.debug("leave not sent: workerId={} server={} error={}", terms.workerId(), c.target, e.getMessage());
                }
            }
        } finally {
            connections.close();
        }
    }
}
