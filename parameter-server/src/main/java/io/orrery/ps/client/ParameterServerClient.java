package io.orrery.ps.client;

import io.aeron.Publication;
import io.aeron.Subscription;
import io.orrery.ps.TrainingMode;
import io.orrery.ps.protocol.DropCounters;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.GradientCodec;
import io.orrery.ps.protocol.MessageAdapter;
import io.orrery.ps.protocol.MessageListener;
import io.orrery.ps.protocol.ServerProxy;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.WireValues;
import io.orrery.ps.protocol.WorkerProxy;
import io.orrery.ps.protocol.sbe.Encoding;
import io.orrery.ps.protocol.sbe.JoinAckDecoder;
import io.orrery.ps.protocol.sbe.JoinStatus;
import io.orrery.ps.protocol.sbe.ParameterChunkDecoder;
import io.orrery.ps.protocol.sbe.StepFailedDecoder;
import io.orrery.ps.transport.AeronEndpoint;
import io.orrery.ps.transport.Channels;
import io.orrery.ps.transport.NativeFloats;
import io.orrery.ps.transport.SharedDriver;
import io.orrery.ps.transport.TransportException;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
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
 */
public final class ParameterServerClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ParameterServerClient.class);
    private static final int FRAGMENT_LIMIT = 64;

    private final ClientConfig config;
    private final List<AeronEndpoint> endpoints = new ArrayList<>();
    private final SharedDriver.Lease driverLease;
    private final List<Connection> connections = new ArrayList<>();
    private Connection current;
    private Publication[] shardPublications;
    private Connection[] shardOwners;
    private final WorkerProxy proxy;
    private final Listener listener = new Listener();
    private final DropCounters drops = new DropCounters(LOG, "worker");
    // A worker waiting for parameters has nothing else to do: spin, then yield (gives the core to runnable threads
    // such as the server's agents on a small machine), and park only briefly, so that it wakes within about 0.1 ms
    // of the broadcast rather than up to a millisecond.
    private final IdleStrategy idle = new BackoffIdleStrategy(100, 2000, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MICROSECONDS.toNanos(100));
    private volatile BooleanSupplier cancelled = () -> false;
    private final String address;
    private final ScheduledExecutorService heartbeats;

    private int workerId = -1;
    private ShardLayout layout;
    private TrainingMode mode;
    private Encoding encoding;
    private int workers;
    private int stalenessBound;
    private long joinVersion;

    // Receiving state for the wait in progress.
    private final UnsafeBuffer out = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer grads = new UnsafeBuffer(0, 0);
    private long wantedVersion;
    private boolean exactVersion;
    /** The wait in progress takes each shard's newest version, not its first newer one ({@link #nextParameters}). */
    private boolean newestVersion;
    private long[] assemblingVersion;
    private long[] heldVersion;
    private boolean[][] receivedChunks;
    private int[] receivedCounts;
    private int shardsDone;
    private long minWorkerStep = -1;
    private boolean[] shardFailed;
    private int shardsFailed;
    private StringBuilder failureReasons;
    private volatile long lastPushedStep = -1;
    private boolean draining;
    private boolean drainBlocked;
    /** ASYNC/BOUNDED: gradients pushed since the parameters held last changed ({@link #nextParameters}). */
    private int gradientsOnHeld;

    /**
     * ASYNC/BOUNDED: the most gradients a worker computes on one parameter version ({@link #nextParameters}). Two
     * let the worker compute while the server applies its last gradient: each gradient is then computed on
     * parameters one of its own updates old, and the worker never waits while the server keeps up.
     */
    public static final int GRADIENTS_PER_VERSION = 2;

    private static final long FLOAT_ARRAY_BASE = UnsafeApi.arrayBaseOffset(float[].class);

    // SPARSE encoding: error-feedback residual and scratch space.
    private float[] residual;
    private UnsafeBuffer scratch;
    private float[] magnitudes;
    private long bytesSent;
    private long bytesReceived;

    /** One server process of the job: its channels, its adapter and what it answered to the join. */
    private final class Connection {
        final ClientConfig.Target target;
        final Subscription broadcast;
        final Publication control;
        final MessageAdapter adapter;
        final long correlationId = ThreadLocalRandom.current().nextLong();
        boolean joined;
        String rejection;
        int firstShard;
        int ownedShards;

        Connection(ClientConfig.Target target, AeronEndpoint endpoint) {
            this.target = target;
            this.broadcast = endpoint.aeron().addSubscription(
                    Channels.workerBroadcast(target.host, target.port, config.localAddress), Channels.BROADCAST_STREAM_ID);
            this.control = endpoint.aeron().addPublication(
                    Channels.workerEgress(target.host, target.port, config.mtu, config.termLength), Channels.CONTROL_STREAM_ID);
            this.adapter = new MessageAdapter(listener, drops, ServerProxy.parameterMessageLength(config.mtu * 2));
        }

        int poll() {
            current = this;
            return broadcast.controlledPoll(adapter.controlled(), FRAGMENT_LIMIT);
        }
    }

    private ParameterServerClient(ClientConfig config) {
        this.config = config;
        int logBuffers = 64;
        boolean udp = config.targets.get(0).host != null;
        this.driverLease = config.sharedDriver ? SharedDriver.acquire(config.termLength, logBuffers) : null;
        try {
            this.address = AeronEndpoint.processName() + (config.localAddress == null ? "" : "@" + config.localAddress);
            this.proxy = new WorkerProxy(config.jobId, config.token,
                    WorkerProxy.gradientMessageLength(config.mtu * 2), idle, config.offerTimeout.toNanos());
            if (udp) {
                // All UDP servers are reached through one driver (embedded, shared or external).
                AeronEndpoint endpoint = AeronEndpoint.start("worker",
                        driverLease != null ? driverLease.directory() : config.aeronDirectory, config.termLength, logBuffers);
                endpoints.add(endpoint);
                for (ClientConfig.Target target : config.targets) {
                    connections.add(new Connection(target, endpoint));
                }
            } else {
                // IPC: each server's own driver.
                for (ClientConfig.Target target : config.targets) {
                    AeronEndpoint endpoint = AeronEndpoint.start("worker", target.ipcDirectory, config.termLength, logBuffers);
                    endpoints.add(endpoint);
                    connections.add(new Connection(target, endpoint));
                }
            }
            join();
            this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "orrery-ps-heartbeat-" + workerId);
                t.setDaemon(true);
                return t;
            });
            WorkerProxy heartbeatProxy = new WorkerProxy(config.jobId, config.token, 256,
                    new BackoffIdleStrategy(), TimeUnit.MILLISECONDS.toNanos(100));
            long periodMs = config.heartbeatInterval.toMillis();
            heartbeats.scheduleAtFixedRate(() -> {
                for (Connection c : connections) {
                    try {
                        heartbeatProxy.heartbeat(c.control, workerId, lastPushedStep);
                    } catch (RuntimeException e) {
                        LOG.debug("heartbeat not sent: workerId={} server={} error={}", workerId, c.target, e.getMessage());
                    }
                }
            }, periodMs, periodMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            closeEndpoints();
            throw e;
        }
    }

    private void closeEndpoints() {
        for (AeronEndpoint endpoint : endpoints) {
            endpoint.close();
        }
        if (driverLease != null) {
            driverLease.close();
        }
    }

    /** Connects to the server and joins the job; returns once the server has given this worker an id. */
    public static ParameterServerClient connect(ClientConfig config) {
        return new ParameterServerClient(config);
    }

    private void join() {
        long deadlineNs = System.nanoTime() + config.joinTimeout.toNanos();
        for (Connection c : connections) {
            while (!c.broadcast.isConnected() || !c.control.isConnected()) {
                if (System.nanoTime() - deadlineNs >= 0) {
                    throw new ParameterServerTimeoutException("join timed out: no connection to the parameter server at "
                            + c.target + " after " + config.joinTimeout.toMillis() + " ms (broadcastConnected="
                            + c.broadcast.isConnected() + " controlConnected=" + c.control.isConnected() + " worker="
                            + address + "); is the server running, and are its ports reachable from this host?");
                }
                idle.idle();
            }
        }
        idle.reset();
        for (Connection c : connections) {
            // Every server process must give this worker the same id: the first one's answer is requested from the rest.
            proxy.join(c.control, c.correlationId, workerId >= 0 ? workerId : config.requestedWorkerId, address);
            while (!c.joined && c.rejection == null) {
                if (c.poll() == 0) {
                    if (System.nanoTime() - deadlineNs >= 0) {
                        throw new ParameterServerTimeoutException("join timed out: no answer from the parameter server at "
                                + c.target + " within " + config.joinTimeout.toMillis() + " ms (worker=" + address
                                + " jobId=" + config.jobId + ")");
                    }
                    idle.idle();
                }
            }
            if (c.rejection != null) {
                throw new IllegalStateException("join rejected by the parameter server at " + c.target + ": " + c.rejection);
            }
        }
        shardPublications = new Publication[layout.shardCount()];
        shardOwners = new Connection[layout.shardCount()];
        for (Connection c : connections) {
            for (int s = c.firstShard; s < c.firstShard + c.ownedShards; s++) {
                if (shardOwners[s] != null) {
                    throw new IllegalStateException("shard " + s + " is hosted by both " + shardOwners[s].target + " and "
                            + c.target + "; give each server process its own shardRange");
                }
                shardOwners[s] = c;
                AeronEndpoint endpoint = endpoints.size() == 1 ? endpoints.get(0) : endpoints.get(connections.indexOf(c));
                shardPublications[s] = endpoint.aeron().addPublication(
                        Channels.workerEgress(c.target.host, c.target.port, config.mtu, config.termLength),
                        Channels.SHARD_STREAM_BASE + s);
            }
        }
        for (int s = 0; s < shardOwners.length; s++) {
            if (shardOwners[s] == null) {
                throw new IllegalStateException("no server hosts shard " + s + " of " + layout.shardCount() + " (servers: "
                        + config.serverDescription() + "); list every server process of the job (alsoUdp/alsoIpc)");
            }
        }
        prepare();
        LOG.info("joined parameter server: server={} workerId={} mode={} workers={} {} encoding={} version={}",
                config.serverDescription(), workerId, mode, workers, layout, encoding, joinVersion);
    }

    /** Sizes the receive state once the layout is known. */
    private void prepare() {
        int shards = layout.shardCount();
        assemblingVersion = new long[shards];
        heldVersion = new long[shards];
        Arrays.fill(heldVersion, -1);
        receivedChunks = new boolean[shards][];
        receivedCounts = new int[shards];
        shardFailed = new boolean[shards];
        for (int s = 0; s < shards; s++) {
            receivedChunks[s] = new boolean[layout.chunkCount(s)];
        }
        if (encoding == Encoding.SPARSE) {
            residual = new float[Math.toIntExact(layout.modelLength())];
            magnitudes = new float[layout.chunkElements()];
        }
        scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(64, layout.chunkElements() * 8), 64));
    }

    public int workerId() {
        return workerId;
    }

    public ShardLayout layout() {
        return layout;
    }

    /** The first step to compute: the version of the parameters received by {@link #awaitInitialParameters}. */
    public long startStep() {
        return joinVersion;
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
        return bytesReceived;
    }

    /**
     * Sends the gradient of {@code step}, chunked per shard, straight from the flat buffer.
     *
     * @param step      in SYNC mode the parameter version the gradient was computed on (0, 1, 2, ...)
     * @param flatGrads flat float32 gradient vector, same layout as the parameters, length {@code modelLength}
     */
    public void pushGradients(long step, INDArray flatGrads) {
        checkLength(flatGrads, "flatGrads");
        drainStale();
        NativeFloats.wrap(flatGrads, grads, "flatGrads");
        for (int s = 0; s < layout.shardCount(); s++) {
            long baseVersion = mode.isSync() ? step : Math.max(0, heldVersion[s]);
            int shardByte = (int) (layout.shardOffset(s) * 4);
            for (int c = 0; c < layout.chunkCount(s); c++) {
                int length = layout.chunkLength(s, c);
                int byteOffset = shardByte + layout.chunkOffset(c) * 4;
                int count = length;
                int payloadBytes;
                DirectBuffer payload;
                if (encoding == Encoding.FLOAT32) {
                    payload = grads;
                    payloadBytes = length * 4;
                } else if (encoding == Encoding.SPARSE) {
                    count = encodeSparse(byteOffset / 4, length);
                    payload = scratch;
                    byteOffset = 0;
                    payloadBytes = count * 8;
                } else {
                    payloadBytes = GradientCodec.encodeDense(encoding, grads, byteOffset, length, scratch);
                    payload = scratch;
                    byteOffset = 0;
                }
                try {
                    proxy.gradientChunk(shardPublications[s], step, baseVersion, workerId, s, c, layout.chunkCount(s),
                            layout.chunkOffset(c), count, encoding, payload, byteOffset, payloadBytes);
                } catch (TransportException e) {
                    throw new TransportException("could not send gradients: step=" + step + " shard=" + s + " chunk=" + c
                            + " workerId=" + workerId + " server=" + config.serverDescription() + " cause=" + e.getMessage(), e);
                }
                bytesSent += payloadBytes;
            }
        }
        lastPushedStep = step;
    }

    /**
     * Consumes broadcast messages this worker no longer needs (parameters of versions it already holds, sent for
     * another worker's request) so that a busy worker does not hold back the broadcast; stops at anything newer.
     */
    private void drainStale() {
        draining = true;
        try {
            for (Connection c : connections) {
                drainBlocked = false;
                while (c.poll() > 0 && !drainBlocked) {
                    // keep consuming stale messages
                }
            }
        } finally {
            draining = false;
            drainBlocked = false;
        }
    }

    /**
     * Error feedback: adds the residual to the chunk's gradient, sends the selected entries as (index, value) pairs
     * and keeps the rest in the residual for the next step.
     */
    private int encodeSparse(int first, int length) {
        // The chunk's gradient is staged in `magnitudes` with one copy, so that this loop runs over plain arrays
        // (vectorised) rather than one bounds-checked buffer read per value.
        grads.boundsCheck(first * 4, length * 4);
        UnsafeApi.copyMemory(grads.byteArray(), grads.addressOffset() + first * 4L, magnitudes, FLOAT_ARRAY_BASE,
                length * 4L);
        for (int i = 0; i < length; i++) {
            float r = residual[first + i] + magnitudes[i];
            residual[first + i] = r;
            magnitudes[i] = Math.abs(r);
        }
        int capacity = Math.max(1, length / 2);
        float threshold;
        if (config.sparseThreshold > 0) {
            threshold = (float) config.sparseThreshold;
        } else {
            int k = Math.min(capacity, Math.max(1, (int) Math.ceil(config.sparseFraction * length)));
            threshold = TopK.kthLargest(magnitudes, length, k);
        }
        int count = 0;
        for (int i = 0; i < length && count < capacity; i++) {
            float v = residual[first + i];
            if (Math.abs(v) >= threshold && v != 0f) {
                scratch.putInt(count * 8, i, ByteOrder.LITTLE_ENDIAN);
                scratch.putFloat(count * 8 + 4, v, ByteOrder.LITTLE_ENDIAN);
                residual[first + i] = 0f;
                count++;
            }
        }
        return count;
    }

    /**
     * Asks the server for its current parameters and copies them into {@code flatParamsOut}; afterwards
     * {@link #startStep()} is the version received, the first step to compute. Call it right after connecting
     * (and after any failure), before the first {@link #pushGradients}.
     */
    public void awaitInitialParameters(INDArray flatParamsOut, Duration timeout) {
        for (Connection c : connections) {
            proxy.parametersRequest(c.control, workerId);
        }
        awaitVersion(joinVersion, flatParamsOut, timeout, false);
        joinVersion = oldestHeld();
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
        if (mode.isSync()) {
            awaitVersion(step + 1, flatParamsOut, timeout, true);
        } else {
            awaitVersion(oldestHeld() + 1, flatParamsOut, timeout, false);
            if (mode instanceof TrainingMode.Bounded) {
                awaitBound(step, flatParamsOut, timeout);
            }
        }
    }

    private void awaitBound(long step, INDArray flatParamsOut, Duration timeout) {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (minWorkerStep < step - stalenessBound) {
            if (System.nanoTime() - deadlineNs >= 0) {
                throw new ParameterServerTimeoutException("bounded staleness wait timed out: workerId=" + workerId
                        + " step=" + step + " bound=" + stalenessBound + " slowestWorkerStep=" + minWorkerStep
                        + " server=" + config.serverDescription());
            }
            try {
                awaitVersion(oldestHeld() + 1, flatParamsOut, Duration.ofNanos(Math.max(1, deadlineNs - System.nanoTime())), false);
            } catch (ParameterServerTimeoutException e) {
                // loop re-checks the deadline and reports the staleness wait
            }
            checkCancelled(step);
        }
    }

    /**
     * Makes every later wait of this client (parameters, bounded staleness) end with {@link WaitCancelledException}
     * soon after {@code cancelled} returns true; checked between polls, so keep it cheap (a volatile read). Waits
     * also end when the calling thread is interrupted. Spark, for example, kills the surviving tasks of a failed
     * barrier stage without interrupting their threads, only marking their task context.
     */
    public void cancelWhen(BooleanSupplier cancelled) {
        this.cancelled = java.util.Objects.requireNonNull(cancelled, "cancelled");
    }

    private void checkCancelled(long version) {
        if (Thread.currentThread().isInterrupted() || cancelled.getAsBoolean()) {
            throw new WaitCancelledException("wait for parameters cancelled: version=" + version + " workerId="
                    + workerId + " server=" + config.serverDescription()
                    + (Thread.currentThread().isInterrupted() ? " (thread interrupted)" : " (cancelled by the caller)"));
        }
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
        if (mode.isSync()) {
            awaitParameters(step, flatParamsOut, timeout);
            return true;
        }
        long before = oldestHeld();
        gradientsOnHeld++;
        if (gradientsOnHeld >= GRADIENTS_PER_VERSION) {
            awaitVersion(oldestHeld() + 1, flatParamsOut, timeout, false);
        }
        // Then every newer version that has arrived, up to the newest: taking one version per call would let a
        // worker that outpaces the server fall further behind it.
        pollVersion(oldestHeld() + 1, flatParamsOut, timeout, false, true);
        if (mode instanceof TrainingMode.Bounded) {
            awaitBound(step, flatParamsOut, timeout);
        }
        // Counted per shard's oldest version: one shard moving on does not refresh a shard that lags.
        boolean fresh = oldestHeld() > before;
        if (fresh) {
            gradientsOnHeld = 0;
        }
        return fresh;
    }

    private long oldestHeld() {
        long oldest = Long.MAX_VALUE;
        for (long v : heldVersion) {
            oldest = Math.min(oldest, v);
        }
        return oldest;
    }

    private void awaitVersion(long version, INDArray flatParamsOut, Duration timeout, boolean exact) {
        pollVersion(version, flatParamsOut, timeout, exact, false);
    }

    /**
     * Polls the broadcast until every shard holds {@code version} (or newer, unless {@code exact}). With
     * {@code untilIdle}, instead polls until nothing more has arrived and no shard is part-way through a version,
     * taking each shard's newest complete version.
     */
    private void pollVersion(long version, INDArray flatParamsOut, Duration timeout, boolean exact,
                             boolean untilIdle) {
        checkLength(flatParamsOut, "flatParamsOut");
        NativeFloats.wrap(flatParamsOut, out, "flatParamsOut");
        wantedVersion = version;
        exactVersion = exact;
        newestVersion = untilIdle;
        shardsDone = 0;
        shardsFailed = 0;
        failureReasons = null;
        Arrays.fill(shardFailed, false);
        for (int s = 0; s < layout.shardCount(); s++) {
            Arrays.fill(receivedChunks[s], false);
            receivedCounts[s] = 0;
            assemblingVersion[s] = -1;
        }
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        idle.reset();
        while (untilIdle || shardsDone + shardsFailed < layout.shardCount()) {
            int n = 0;
            for (Connection c : connections) {
                if (!untilIdle && shardsDone + shardsFailed == layout.shardCount()) {
                    break;
                }
                n += c.poll();
            }
            if (n == 0) {
                if (untilIdle && !partWayThroughAVersion()) {
                    break;
                }
                if (System.nanoTime() - deadlineNs >= 0) {
                    throw new ParameterServerTimeoutException(describeMissing(version, timeout));
                }
                checkCancelled(version);
                idle.idle();
            } else {
                idle.reset();
            }
        }
        if (shardsFailed > 0) {
            throw new StepFailedException(version - 1, failureReasons.toString());
        }
    }

    private boolean partWayThroughAVersion() {
        for (int s = 0; s < layout.shardCount(); s++) {
            if (receivedCounts[s] > 0 && receivedCounts[s] < layout.chunkCount(s)) {
                return true;
            }
        }
        return false;
    }

    private String describeMissing(long version, Duration timeout) {
        List<String> missing = new ArrayList<>();
        for (int s = 0; s < layout.shardCount(); s++) {
            if (receivedCounts[s] < layout.chunkCount(s)) {
                missing.add("shard " + s + " (" + receivedCounts[s] + "/" + layout.chunkCount(s) + " chunks"
                        + (connections.size() > 1 ? " from " + shardOwners[s].target : "") + ")");
            }
        }
        return "timed out after " + timeout.toMillis() + " ms waiting for parameters: version=" + version
                + " workerId=" + workerId + " worker=" + address + " server=" + config.serverDescription()
                + " missing=" + missing + " broadcastConnected=" + connections.stream().allMatch(c -> c.broadcast.isConnected())
                + "; the server log names the workers whose gradients it is waiting for";
    }

    private void checkLength(INDArray array, String what) {
        if (array.length() != layout.modelLength()) {
            throw new IllegalArgumentException(what + ": expected " + layout.modelLength()
                    + " elements (the server's model length), found " + array.length());
        }
    }

    /** Handles broadcast messages; runs on the caller's thread during waits. */
    private final class Listener implements MessageListener {

        @Override
        public DropReason onJoinAck(JoinAckDecoder ack, String reason) {
            Connection c = current;
            if (ack.jobId() != config.jobId || ack.correlationId() != c.correlationId) {
                return null; // another worker's answer on the shared broadcast: not ours, not an error
            }
            if (ack.status() != JoinStatus.ACCEPTED) {
                c.rejection = reason;
                return null;
            }
            if (ack.modelLength() < 1 || ack.shardCount() < 1 || ack.chunkElements() < 1
                    || ack.chunkElements() > (config.mtu * 2) / 4 || ack.firstShard() < 0 || ack.ownedShards() < 1
                    || (long) ack.firstShard() + ack.ownedShards() > ack.shardCount()) {
                c.rejection = "impossible layout in JoinAck: modelLength=" + ack.modelLength() + " shards="
                        + ack.shardCount() + " hosted=" + ack.firstShard() + "+" + ack.ownedShards() + " chunkElements="
                        + ack.chunkElements() + " (is the worker's mtu=" + config.mtu + " the server's?)";
                return DropReason.BAD_LENGTH;
            }
            TrainingMode ackMode;
            try {
                ackMode = WireValues.mode(ack.mode(), ack.stalenessBound());
                WireValues.encoding(ack.encoding());
            } catch (IllegalArgumentException e) {
                c.rejection = e.getMessage();
                return DropReason.BAD_ENCODING; // a value this version cannot decode
            }
            if (layout == null) {
                layout = new ShardLayout(ack.modelLength(), ack.shardCount(), ack.chunkElements());
                mode = ackMode;
                encoding = ack.encoding();
                workers = ack.workerCount();
                stalenessBound = mode instanceof TrainingMode.Bounded bounded ? bounded.steps() : 0;
                joinVersion = ack.currentVersion();
                workerId = ack.workerId();
            } else if (ack.modelLength() != layout.modelLength() || ack.shardCount() != layout.shardCount()
                    || ack.chunkElements() != layout.chunkElements() || !ackMode.equals(mode) || ack.encoding() != encoding
                    || ack.workerCount() != workers || ack.workerId() != workerId) {
                c.rejection = "server processes of one job disagree: " + c.target + " answered modelLength="
                        + ack.modelLength() + " shards=" + ack.shardCount() + " chunkElements=" + ack.chunkElements()
                        + " mode=" + ackMode + " encoding=" + ack.encoding() + " workers=" + ack.workerCount()
                        + " workerId=" + ack.workerId() + ", the first answered " + layout + " mode=" + mode
                        + " encoding=" + encoding + " workers=" + workers + " workerId=" + workerId;
                return null;
            } else {
                joinVersion = Math.min(joinVersion, ack.currentVersion());
            }
            c.firstShard = ack.firstShard();
            c.ownedShards = ack.ownedShards();
            c.joined = true;
            c.adapter.breakAfterCurrent(); // parameters that follow belong to awaitInitialParameters
            return null;
        }

        @Override
        public DropReason onParameterChunk(ParameterChunkDecoder chunk, DirectBuffer payload) {
            if (receivedCounts == null) {
                return null; // not joined yet: parameters for others
            }
            if (chunk.jobId() != config.jobId) {
                return DropReason.FOREIGN_JOB;
            }
            int s = chunk.shard();
            if (s < 0 || s >= layout.shardCount() || shardOwners[s] != current) {
                return DropReason.BAD_SHARD;
            }
            int c = chunk.chunkIndex();
            if (chunk.chunkCount() != layout.chunkCount(s) || c < 0 || c >= layout.chunkCount(s)) {
                return DropReason.BAD_CHUNK;
            }
            int length = layout.chunkLength(s, c);
            if (chunk.elementOffset() != layout.chunkOffset(c) || chunk.elementCount() != length
                    || payload.capacity() != length * 4) {
                return DropReason.BAD_LENGTH;
            }
            long version = chunk.version();
            if (draining) {
                if (version > heldVersion[s]) {
                    drainBlocked = true;
                    current.adapter.abortCurrent();
                }
                return null;
            }
            minWorkerStep = Math.max(minWorkerStep, chunk.minWorkerStep());
            boolean shardComplete = receivedCounts[s] == layout.chunkCount(s);
            if (version < wantedVersion || (shardComplete && !(newestVersion && version > assemblingVersion[s]))) {
                return null; // older than wanted, or this shard is complete (and no newer one is wanted): skip
            }
            if (newestVersion && version < assemblingVersion[s]) {
                return null; // older than the version of this shard being taken
            }
            if (exactVersion && version > wantedVersion) {
                current.adapter.abortCurrent(); // belongs to a later wait; leave it in the stream
                return null;
            }
            if (version != assemblingVersion[s]) {
                if (shardComplete) {
                    shardsDone--; // a newer version of a shard already taken: it is taken again when complete
                }
                assemblingVersion[s] = version;
                Arrays.fill(receivedChunks[s], false);
                receivedCounts[s] = 0;
            }
            if (!receivedChunks[s][c]) {
                receivedChunks[s][c] = true;
                receivedCounts[s]++;
            }
            int target = (int) ((layout.shardOffset(s) + layout.chunkOffset(c)) * 4);
            out.putBytes(target, payload, 0, length * 4);
            bytesReceived += length * 4L;
            if (receivedCounts[s] == layout.chunkCount(s)) {
                heldVersion[s] = version;
                shardsDone++;
                if (shardsDone == layout.shardCount() && !newestVersion) {
                    current.adapter.breakAfterCurrent();
                }
            }
            return null;
        }

        @Override
        public DropReason onStepFailed(StepFailedDecoder failed, String reason) {
            if (failed.jobId() != config.jobId) {
                return DropReason.FOREIGN_JOB;
            }
            if (draining) {
                drainBlocked = true;
                current.adapter.abortCurrent();
                return null;
            }
            int s = failed.shard();
            if (shardFailed == null || s < 0 || s >= layout.shardCount()) {
                return shardFailed == null ? null : DropReason.BAD_SHARD;
            }
            if (exactVersion && failed.step() == wantedVersion - 1 && !shardFailed[s]
                    && receivedCounts[s] < layout.chunkCount(s)) {
                shardFailed[s] = true;
                shardsFailed++;
                failureReasons = failureReasons == null ? new StringBuilder(reason) : failureReasons.append("; ").append(reason);
            }
            return null;
        }
    }

    @Override
    public void close() {
        if (heartbeats.isShutdown()) {
            return;
        }
        heartbeats.shutdownNow();
        try {
            heartbeats.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (Connection c : connections) {
                try {
                    proxy.leave(c.control, workerId);
                } catch (RuntimeException e) {
                    LOG.debug("leave not sent: workerId={} server={} error={}", workerId, c.target, e.getMessage());
                }
            }
        } finally {
            closeEndpoints();
        }
    }
}
