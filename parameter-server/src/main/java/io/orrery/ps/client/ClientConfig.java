package io.orrery.ps.client;

import io.orrery.ps.JobKey;
import io.orrery.ps.transport.Channels;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Immutable settings of a worker's connection to a parameter server; build with {@link #builder()}. The job id and
 * token (or, for a job with a key, the {@link JobKey}) must match the server's; the transport is
 * {@link Builder#ipc(String)} (same host, the server's driver directory) or {@link Builder#udp(String, int)}.
 */
public final class ClientConfig {

    final long jobId;
    final long token;
    /** Null for a job without a key. */
    final JobKey jobKey;
    final String aeronDirectory;
    final String localAddress;
    final int termLength;
    final int mtu;
    final int requestedWorkerId;
    final double sparseThreshold;
    final double sparseFraction;
    final Duration joinTimeout;
    final Duration heartbeatInterval;
    final Duration offerTimeout;
    /** Term length of a worker's publications unless {@link Builder#termLength} says otherwise. */
    public static final int DEFAULT_TERM_LENGTH = 4 << 20;

    final boolean sharedDriver;
    final Duration sharedDriverLinger;
    final List<Target> targets;

    /** One server process of the job: a UDP {@code host:port}, or the media driver directory of an IPC server. */
    static final class Target {
        final String host;
        final int port;
        final String ipcDirectory;

        Target(String host, int port, String ipcDirectory) {
            this.host = host;
            this.port = port;
            this.ipcDirectory = ipcDirectory;
        }

        @Override
        public String toString() {
            return host == null ? "aeron:ipc dir=" + ipcDirectory : host + ":" + port;
        }
    }

    private ClientConfig(Builder b) {
        this.jobId = b.jobId;
        this.token = b.token;
        this.jobKey = b.jobKey;
        this.aeronDirectory = b.aeronDirectory;
        this.localAddress = b.localAddress;
        this.termLength = b.termLength;
        this.mtu = b.mtu;
        this.requestedWorkerId = b.requestedWorkerId;
        this.sparseThreshold = b.sparseThreshold;
        this.sparseFraction = b.sparseFraction;
        this.joinTimeout = b.joinTimeout;
        this.heartbeatInterval = b.heartbeatInterval;
        this.offerTimeout = b.offerTimeout;
        this.sharedDriver = b.sharedDriver;
        this.sharedDriverLinger = b.sharedDriverLinger;
        this.targets = Collections.unmodifiableList(new ArrayList<>(b.targets));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Human-readable server address(es) for error messages. */
    String serverDescription() {
        return targets.size() == 1 ? targets.get(0).toString() : targets.toString();
    }

    /** Collects settings; {@link #build()} checks them. */
    public static final class Builder {
        private long jobId = 1;
        private Long token;
        private JobKey jobKey;
        private String serverHost;
        private int port = 40123;
        private String aeronDirectory;
        private String localAddress;
        private int termLength = DEFAULT_TERM_LENGTH;
        private int mtu;
        private int requestedWorkerId = -1;
        private double sparseThreshold = 0;
        private double sparseFraction = 0.01;
        private Duration joinTimeout = Duration.ofSeconds(30);
        private Duration heartbeatInterval = Duration.ofSeconds(1);
        private Duration offerTimeout = Duration.ofSeconds(10);
        private boolean transportSet;
        private boolean sharedDriver;
        private Duration sharedDriverLinger = Duration.ZERO;
        private final List<Target> extra = new ArrayList<>();
        private List<Target> targets;

        private Builder() {
        }

        public Builder jobId(long jobId) { this.jobId = jobId; return this; }
        public Builder token(long token) { this.token = token; return this; }
        /**
         * The job's key, for a server started with one: the worker proves it at the join (it never travels) and
         * needs no token.
         */
        public Builder jobKey(JobKey key) { this.jobKey = key; return this; }
        /** Same host as the server over {@code aeron:ipc}, through the server's media driver directory. */
        public Builder ipc(String serverAeronDirectory) {
            this.serverHost = null;
            this.aeronDirectory = serverAeronDirectory;
            this.transportSet = true;
            return this;
        }
        /** Over UDP to the server's ingress {@code host:port} (broadcast control port {@code port + 1}). */
        public Builder udp(String serverHost, int port) {
            this.serverHost = serverHost;
            this.port = port;
            this.transportSet = true;
            return this;
        }
        /** A further server process of a job split over several ({@code shardRange}), over UDP. */
        public Builder alsoUdp(String serverHost, int port) {
            extra.add(new Target(serverHost, port, null));
            return this;
        }
        /** A further server process of a job split over several, on this host over IPC (its driver directory). */
        public Builder alsoIpc(String serverAeronDirectory) {
            extra.add(new Target(null, 0, serverAeronDirectory));
            return this;
        }
        /** UDP only: use a running media driver instead of an embedded one. */
        public Builder aeronDirectory(String directory) { this.aeronDirectory = directory; return this; }
        /**
         * UDP only: use the JVM's one shared embedded driver ({@link io.orrery.ps.transport.SharedDriver}) instead of
         * a driver per client: what an executor running several tasks wants.
         */
        public Builder sharedDriver(boolean shared) { this.sharedDriver = shared; return this; }
        /**
         * With {@link #sharedDriver}: keep the JVM's driver this long after the last worker in it closes, so that the
         * next worker (an executor's next task) does not launch it again. Default: stop it at once.
         */
        public Builder sharedDriverLinger(Duration linger) { this.sharedDriverLinger = linger; return this; }
        /** UDP only: address the server sends parameters to; default: the interface that routes to the server. */
        public Builder localAddress(String address) { this.localAddress = address; return this; }
        public Builder termLength(int termLength) { this.termLength = termLength; return this; }
        /**
         * Frame length of this worker's publications; need not match the server's: the chunk size is the server's
         * job setting, announced at the join. Default: chosen from the interface that routes to the server.
         */
        public Builder mtu(int mtu) { this.mtu = mtu; return this; }
        /** Rejoin under a previous worker id. */
        public Builder workerId(int id) { this.requestedWorkerId = id; return this; }
        /** SPARSE encoding: send values with magnitude at least this (0 = use {@link #sparseFraction}). */
        public Builder sparseThreshold(double threshold) { this.sparseThreshold = threshold; return this; }
        /** SPARSE encoding without threshold: send the largest this fraction of each chunk (top-k). */
        public Builder sparseFraction(double fraction) { this.sparseFraction = fraction; return this; }
        public Builder joinTimeout(Duration timeout) { this.joinTimeout = timeout; return this; }
        public Builder heartbeatInterval(Duration interval) { this.heartbeatInterval = interval; return this; }
        public Builder offerTimeout(Duration timeout) { this.offerTimeout = timeout; return this; }

        public ClientConfig build() {
            if (!transportSet) {
                throw new IllegalArgumentException("transport: call ipc(server.aeronDirectory()) or udp(serverHost, port)");
            }
            if (jobKey != null && token != null && token != 0) {
                throw new IllegalArgumentException("token and jobKey: expected one of them, found both; a job with a"
                        + " key uses no token, so drop the token");
            }
            if (jobKey != null) {
                token = 0L;
            }
            if (token == null) {
                throw new IllegalArgumentException("token: required; pass the server's job token (server.token()),"
                        + " or its jobKey for a server started with a key");
            }
            if (sharedDriver && (serverHost == null || aeronDirectory != null)) {
                throw new IllegalArgumentException("sharedDriver: only for udp(...) without an external aeronDirectory");
            }
            if (serverHost == null && aeronDirectory == null) {
                throw new IllegalArgumentException("ipc: needs the server's Aeron directory (server.aeronDirectory())");
            }
            if (mtu == 0) {
                mtu = serverHost == null ? Channels.DEFAULT_IPC_MTU : Channels.udpMtu(serverHost, termLength);
            }
            if (sparseFraction <= 0 || sparseFraction > 0.5) {
                throw new IllegalArgumentException("sparseFraction: expected in (0, 0.5], found " + sparseFraction);
            }
            if (serverHost != null && localAddress == null) {
                localAddress = Channels.routingAddressTo(serverHost, port);
            }
            targets = new ArrayList<>();
            targets.add(new Target(serverHost, port, serverHost == null ? aeronDirectory : null));
            for (Target t : extra) {
                if ((t.host == null) != (serverHost == null)) {
                    throw new IllegalArgumentException("servers: all over UDP or all over IPC, found " + targets.get(0)
                            + " and " + t);
                }
                targets.add(t);
            }
            return new ClientConfig(this);
        }
    }
}
