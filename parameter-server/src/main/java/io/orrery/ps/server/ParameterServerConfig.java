package io.orrery.ps.server;

import io.aeron.protocol.DataHeaderFlyweight;
import io.orrery.core.optimizers.Optimizer;
import io.orrery.core.optimizers.OptimizerState;
import io.orrery.ps.GradientEncoding;
import io.orrery.ps.JobKey;
import io.orrery.ps.TrainingMode;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.WorkerProxy;
import io.orrery.ps.transport.Channels;
import io.orrery.ps.transport.UdpSettings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;

/**
 * Immutable settings of a parameter server; build with {@link #builder()}. Required: the initial parameters (or a
 * checkpoint directory to resume from), the optimizer and the number of workers. Everything else has a default
 * that suits one machine over {@code aeron:ipc}.
 */
public final class ParameterServerConfig {

    private final long jobId;
    private final long token;
    private final JobKey jobKey;
    private final int workers;
    private final int shards;
    private final int firstShard;
    private final int ownedShards;
    private final INDArray initialParameters;
    private final long modelLength;
    private final Optimizer optimizer;
    private final TrainingMode mode;
    private final String bindHost;
    private final int port;
    private final String aeronDirectory;
    private final int termLength;
    private final int mtu;
    private final int chunkElements;
    private final GradientEncoding encoding;
    private final Duration stepTimeout;
    private final Duration workerTimeout;
    private final WorkerTimeoutPolicy timeoutPolicy;
    private final NonFiniteStepPolicy nonFinitePolicy;
    private final Path checkpointDirectory;
    private final int checkpointEvery;
    private final boolean resume;
    private final Duration statsInterval;
    private final Duration offerTimeout;
    private final OptimizerState initialOptimizerState;
    private final long initialVersion;

    private ParameterServerConfig(Builder b) {
        this.jobId = b.jobId;
        this.token = b.token;
        this.jobKey = b.jobKey;
        this.workers = b.workers;
        this.shards = b.shards;
        this.firstShard = b.firstShard;
        this.ownedShards = b.ownedShards;
        this.initialParameters = b.initialParameters;
        this.modelLength = b.modelLength;
        this.optimizer = b.optimizer;
        this.mode = b.mode;
        this.bindHost = b.bindHost;
        this.port = b.port;
        this.aeronDirectory = b.aeronDirectory;
        this.termLength = b.termLength;
        this.mtu = b.mtu;
        this.chunkElements = b.chunkElements;
        this.encoding = b.encoding;
        this.stepTimeout = b.stepTimeout;
        this.workerTimeout = b.workerTimeout;
        this.timeoutPolicy = b.timeoutPolicy;
        this.nonFinitePolicy = b.nonFinitePolicy;
        this.checkpointDirectory = b.checkpointDirectory;
        this.checkpointEvery = b.checkpointEvery;
        this.resume = b.resume;
        this.statsInterval = b.statsInterval;
        this.offerTimeout = b.offerTimeout;
        this.initialOptimizerState = b.initialOptimizerState;
        this.initialVersion = b.initialVersion;
    }

    public static Builder builder() {
        return new Builder();
    }

    public long jobId() { return jobId; }
    /** The job token; 0 when the job has a key (the key replaces it, and nothing secret travels). */
    public long token() { return token; }
    /** The key joining workers must prove, or null for a job that trusts its token (and its network). */
    public JobKey jobKey() { return jobKey; }
    public int workers() { return workers; }
    /** Shards of the whole job. */
    public int shards() { return shards; }
    /** First shard this server process hosts (0 unless the job is split over several server processes). */
    public int firstShard() { return firstShard; }
    /** Shards this server process hosts, {@code firstShard .. firstShard + ownedShards - 1}. */
    public int ownedShards() { return ownedShards; }
    /** Flat float32 initial parameters (a private copy), or null when resuming from a checkpoint. */
    public INDArray initialParameters() { return initialParameters; }
    public long modelLength() { return modelLength; }
    public Optimizer optimizer() { return optimizer; }
    public TrainingMode mode() { return mode; }
    /** Host to bind the UDP endpoints to, or null for {@code aeron:ipc}. */
    public String bindHost() { return bindHost; }
    /** UDP ingress port; the broadcast control port is {@code port + 1}. */
    public int port() { return port; }
    public String aeronDirectory() { return aeronDirectory; }
    public int termLength() { return termLength; }
    public int mtu() { return mtu; }
    /**
     * Elements per full chunk, a job setting the server announces in every JoinAck ({@link Builder#chunkElements}):
     * over IPC one frame's worth, over UDP {@link #DEFAULT_UDP_CHUNK_ELEMENTS} unless set.
     */
    public int chunkElements() { return chunkElements; }
    public GradientEncoding encoding() { return encoding; }
    public Duration stepTimeout() { return stepTimeout; }
    public Duration workerTimeout() { return workerTimeout; }
    public WorkerTimeoutPolicy timeoutPolicy() { return timeoutPolicy; }
    public NonFiniteStepPolicy nonFinitePolicy() { return nonFinitePolicy; }
    public Path checkpointDirectory() { return checkpointDirectory; }
    public int checkpointEvery() { return checkpointEvery; }
    public boolean resume() { return resume; }
    public Duration statsInterval() { return statsInterval; }
    public Duration offerTimeout() { return offerTimeout; }
    public boolean ipc() { return bindHost == null; }
    /**
     * The whole flat buffer's optimizer state to start from (each shard takes its slice), or null for a fresh one;
     * ignored when resuming from a checkpoint.
     */
    public OptimizerState initialOptimizerState() { return initialOptimizerState; }
    /** The version (step) the shards start at when not resuming from a checkpoint; 0 by default. */
    public long initialVersion() { return initialVersion; }

    /**
     * Default chunk over UDP: the float32 values of Aeron's largest UDP frame (64 KiB). On loopback a chunk is one
     * frame; on a network of MTU 1500 Aeron cuts it into about 47 frames and the receiver's fragment assembler puts
     * it back together. Chunks sized to one 1408-byte frame meant about 1,270 messages per worker and step for the
     * 407,050-parameter MLP, each paying a header check, a bounds check and a poll; this makes it 25.
     */
    public static final int DEFAULT_UDP_CHUNK_ELEMENTS = chunkElementsFor(UdpSettings.MAX_UDP_MTU);

    /** Elements of a full chunk for frames of {@code mtu} bytes: header, SBE header, block and length prefix deducted. */
    public static int chunkElementsFor(int mtu) {
        int payloadBytes = mtu - DataHeaderFlyweight.HEADER_LENGTH - WorkerProxy.gradientMessageLength(0);
        return Math.max(8, (payloadBytes / 4) & ~7);
    }

    /** Collects settings; {@link #build()} checks them together. */
    public static final class Builder {
        private long jobId = 1;
        private Long tokenSetting;
        private long token;
        private JobKey jobKey;
        private int workers;
        private int shards = 1;
        private int firstShard;
        private int ownedShards = -1;
        private INDArray initialParameters;
        private long modelLength;
        private Optimizer optimizer;
        private TrainingMode mode = TrainingMode.SYNC;
        private String bindHost;
        private int port = 40123;
        private String aeronDirectory;
        private int termLength = 4 << 20;
        private int mtu;
        private int chunkElements;
        private GradientEncoding encoding = GradientEncoding.FLOAT32;
        private Duration stepTimeout = Duration.ofSeconds(60);
        private Duration workerTimeout = Duration.ofSeconds(10);
        private WorkerTimeoutPolicy timeoutPolicy = WorkerTimeoutPolicy.FAIL_STEP;
        private NonFiniteStepPolicy nonFinitePolicy = NonFiniteStepPolicy.FAIL_STEP;
        private Path checkpointDirectory;
        private int checkpointEvery;
        private boolean resume;
        private Duration statsInterval = Duration.ofSeconds(30);
        private Duration offerTimeout = Duration.ofSeconds(10);
        private OptimizerState initialOptimizerState;
        private long initialVersion;

        private Builder() {
        }

        public Builder jobId(long jobId) { this.jobId = jobId; return this; }
        /** The secret every worker message must carry; random when not set (read it back from the config). */
        public Builder token(long token) { this.tokenSetting = token; return this; }
        /**
         * Workers must prove this key at the join (challenge-response), and only the sessions that did are accepted
         * and sent parameters; it replaces the token (sent as 0). Derive it with {@link JobKey#derive}.
         */
        public Builder jobKey(JobKey key) { this.jobKey = key; return this; }
        public Builder workers(int workers) { this.workers = workers; return this; }
        public Builder shards(int shards) { this.shards = shards; return this; }
        /**
         * Host only shards {@code first .. first + count - 1} of the job's {@link #shards(int)}: several server
         * processes share one job, each with its own endpoint; workers connect to all of them.
         */
        public Builder shardRange(int first, int count) { this.firstShard = first; this.ownedShards = count; return this; }
        /** Flat float32 vector of the model's initial parameters; copied. */
        public Builder initialParameters(INDArray parameters) { this.initialParameters = parameters; return this; }
        public Builder optimizer(Optimizer optimizer) { this.optimizer = optimizer; return this; }
        /** {@link TrainingMode#SYNC} (the default), {@link TrainingMode#ASYNC} or {@link TrainingMode#bounded(int)}. */
        public Builder mode(TrainingMode mode) { this.mode = mode; return this; }
        /** One JVM: {@code aeron:ipc} (the default). */
        public Builder ipc() { this.bindHost = null; return this; }
        /** Cluster: UDP ingress on {@code bindHost:port}, broadcast control port {@code port + 1}. */
        public Builder udp(String bindHost, int port) { this.bindHost = bindHost; this.port = port; return this; }
        /** Use a running media driver instead of an embedded one. */
        public Builder aeronDirectory(String directory) { this.aeronDirectory = directory; return this; }
        public Builder termLength(int termLength) { this.termLength = termLength; return this; }
        public Builder mtu(int mtu) { this.mtu = mtu; return this; }
        /**
         * Elements per chunk (float32 values; a multiple of 8, at most {@link ShardLayout#maxChunkElements} of the
         * term length): the unit a gradient or a parameter broadcast is cut into, announced to every worker at the
         * join, so that the two sides' MTUs need not match. Default: one frame over IPC,
         * {@link #DEFAULT_UDP_CHUNK_ELEMENTS} over UDP.
         */
        public Builder chunkElements(int elements) { this.chunkElements = elements; return this; }
        public Builder encoding(GradientEncoding encoding) { this.encoding = encoding; return this; }
        public Builder stepTimeout(Duration timeout) { this.stepTimeout = timeout; return this; }
        public Builder workerTimeout(Duration timeout) { this.workerTimeout = timeout; return this; }
        public Builder timeoutPolicy(WorkerTimeoutPolicy policy) { this.timeoutPolicy = policy; return this; }
        /** What a step whose averaged gradient or updated parameters are not finite does (default: fail it). */
        public Builder nonFinitePolicy(NonFiniteStepPolicy policy) { this.nonFinitePolicy = policy; return this; }
        /** Where checkpoints go; with {@code every > 0} each shard writes one every {@code every} steps. */
        public Builder checkpoints(Path directory, int every) { this.checkpointDirectory = directory; this.checkpointEvery = every; return this; }
        /** Start from the newest complete checkpoint in the checkpoint directory. */
        public Builder resume(boolean resume) { this.resume = resume; return this; }
        public Builder statsInterval(Duration interval) { this.statsInterval = interval; return this; }
        public Builder offerTimeout(Duration timeout) { this.offerTimeout = timeout; return this; }
        /**
         * Continue from this optimizer state of the whole flat buffer (iterations and slots of the model's length),
         * as a server restarted from a trainer's state does; not copied, each shard copies its slice at start.
         */
        public Builder initialOptimizerState(OptimizerState state) { this.initialOptimizerState = state; return this; }
        /** Start at this version (the step the job has reached) instead of 0; not for resumed servers. */
        public Builder initialVersion(long version) { this.initialVersion = version; return this; }

        public ParameterServerConfig build() {
            if (workers < 1) {
                throw new IllegalArgumentException("workers: expected at least 1, found " + workers);
            }
            if (optimizer == null) {
                throw new IllegalArgumentException("optimizer: required (the model's optimizer, e.g. new SGD(0.01))");
            }
            if (resume && checkpointDirectory == null) {
                throw new IllegalArgumentException("resume: needs a checkpoint directory; call checkpoints(dir, every)");
            }
            if (initialParameters == null && !resume) {
                throw new IllegalArgumentException("initialParameters: required unless resuming from a checkpoint;"
                        + " pass the model's flat parameter vector");
            }
            if (initialParameters != null) {
                if (!initialParameters.isVector() && initialParameters.length() != 1) {
                    throw new IllegalArgumentException("initialParameters: expected a flat vector, found shape "
                            + Arrays.toString(initialParameters.shape()));
                }
                initialParameters = initialParameters.castTo(DataType.FLOAT).dup().reshape(initialParameters.length());
                modelLength = initialParameters.length();
            }
            if (shards < 1) {
                throw new IllegalArgumentException("shards: expected at least 1, found " + shards);
            }
            if (ownedShards < 0) {
                firstShard = 0;
                ownedShards = shards;
            }
            if (firstShard < 0 || ownedShards < 1 || firstShard + ownedShards > shards) {
                throw new IllegalArgumentException("shardRange: expected first >= 0, count >= 1 and first + count <= shards="
                        + shards + ", found first=" + firstShard + " count=" + ownedShards);
            }
            if (nonFinitePolicy == null || timeoutPolicy == null) {
                throw new IllegalArgumentException("timeoutPolicy and nonFinitePolicy: expected values, found "
                        + timeoutPolicy + " and " + nonFinitePolicy + "; leave them unset for FAIL_STEP");
            }
            if (mode == null || encoding == null) {
                throw new IllegalArgumentException("mode and encoding: expected values, found mode=" + mode
                        + " encoding=" + encoding + "; leave them unset for SYNC and FLOAT32");
            }
            if (Integer.bitCount(termLength) != 1 || termLength < (64 << 10) || termLength > (1 << 30)) {
                throw new IllegalArgumentException("termLength: expected a power of two in 64 KiB..1 GiB, found " + termLength);
            }
            if (mtu == 0) {
                mtu = bindHost == null ? Channels.DEFAULT_IPC_MTU : Channels.udpMtu(bindHost, termLength);
            }
            if (mtu < 256 || mtu > 65504 || mtu % 32 != 0) {
                throw new IllegalArgumentException("mtu: expected a multiple of 32 in 256..65504, found " + mtu);
            }
            if (chunkElements == 0) {
                chunkElements = bindHost == null ? chunkElementsFor(mtu)
                        : Math.min(DEFAULT_UDP_CHUNK_ELEMENTS, ShardLayout.maxChunkElements(termLength));
            }
            int maxChunk = ShardLayout.maxChunkElements(termLength);
            if (chunkElements < 8 || chunkElements % 8 != 0 || chunkElements > maxChunk) {
                throw new IllegalArgumentException("chunkElements: expected a multiple of 8 in 8.." + maxChunk
                        + " (a chunk's message must fit Aeron's largest message, termLength / 8, at termLength="
                        + termLength + "), found " + chunkElements + "; lower chunkElements or raise termLength");
            }
            if (checkpointEvery < 0) {
                throw new IllegalArgumentException("checkpoint interval: expected >= 0 steps, found " + checkpointEvery);
            }
            if (stepTimeout.isNegative() || stepTimeout.isZero() || workerTimeout.isNegative() || workerTimeout.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: stepTimeout=" + stepTimeout
                        + " workerTimeout=" + workerTimeout);
            }
            if (initialVersion < 0) {
                throw new IllegalArgumentException("initialVersion: expected >= 0, found " + initialVersion);
            }
            if (initialOptimizerState != null && initialParameters != null) {
                for (INDArray slot : initialOptimizerState.slots()) {
                    if (slot.length() != modelLength) {
                        throw new IllegalArgumentException("initialOptimizerState: expected slots of the model's length "
                                + modelLength + ", found " + slot.length() + "; pass the state of the whole flat buffer");
                    }
                }
            }
            if (jobKey != null && tokenSetting != null && tokenSetting != 0) {
                throw new IllegalArgumentException("token and jobKey: expected one of them, found both; with a jobKey"
                        + " the token is not used (workers prove the key instead), so drop the token");
            }
            token = jobKey != null ? 0 : tokenSetting != null ? tokenSetting : new SecureRandom().nextLong();
            return new ParameterServerConfig(this);
        }
    }
}
