package io.orrery.ps;

import io.orrery.core.optimizers.Optimizer;
import io.orrery.core.optimizers.OptimizerState;
import io.orrery.ps.server.ParameterServer;
import io.orrery.ps.server.ParameterServerConfig;
import io.orrery.ps.transport.SharedDriver;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A parameter server running in this JVM for one training job, as the job that started it sees it: the whole
 * model's parameters and optimizer state, the version, a snapshot of the counters, and where workers reach it.
 * It hosts every shard of the job. A trainer needs nothing else from the server's packages.
 *
 * <pre>{@code
 * try (EmbeddedServer server = EmbeddedServer.builder(model.parameters(), model.optimizer(), 4)
 *         .mode(TrainingMode.SYNC).ipc().start()) {
 *     // workers connect with ClientConfig.builder().ipc(server.aeronDirectory()).jobId(server.jobId()).token(server.token())
 * }
 * }</pre>
 *
 * {@link #close()} stops the server and removes its media driver's directory; idempotent.
 */
public final class EmbeddedServer implements AutoCloseable {

    private final ParameterServer server;
    private final String host;
    private final int port;
    private final SharedDriver.Lease driverLease;

    private EmbeddedServer(ParameterServer server, String host, int port, SharedDriver.Lease driverLease) {
        this.server = server;
        this.host = host;
        this.port = port;
        this.driverLease = driverLease;
    }

    /**
     * Starts a configuration.
     *
     * @param initialParameters the model's flat float32 parameters (copied at {@link Builder#start()})
     * @param optimizer the model's optimizer; the server applies it, shard by shard
     * @param workers how many workers the job has
     */
    public static Builder builder(INDArray initialParameters, Optimizer optimizer, int workers) {
        return new Builder(initialParameters, optimizer, workers);
    }

    /** The job's id; workers give it when they join. */
    public long jobId() {
        return server.config().jobId();
    }

    /** The job's secret token; every worker message must carry it. */
    public long token() {
        return server.token();
    }

    /** The media driver directory workers on this host use for {@code aeron:ipc}. */
    public String aeronDirectory() {
        return server.aeronDirectory();
    }

    /** The UDP host workers send to, or null over {@code aeron:ipc}. */
    public String host() {
        return host;
    }

    /** The UDP ingress port ({@code port + 1} is the broadcast's control port), or -1 over {@code aeron:ipc}. */
    public int port() {
        return port;
    }

    public TrainingMode mode() {
        return server.config().mode();
    }

    /** Lowest parameter version all shards have published (= steps applied in SYNC mode). */
    public long version() {
        return server.version();
    }

    /** A copy of the whole flat parameter vector; consistent only when no step is in progress. */
    public INDArray parameters() {
        return server.parameters();
    }

    /** The optimizer state of the whole flat buffer; read it only when no step is in progress. */
    public OptimizerState optimizerState() {
        return server.optimizerState();
    }

    /** First shard this server hosts (0 unless {@link Builder#shardRange} split the job over several servers). */
    public int firstShard() {
        return server.config().firstShard();
    }

    /** How many shards this server hosts. */
    public int hostedShards() {
        return server.config().ownedShards();
    }

    /**
     * A copy of the contiguous parameters of the shards this server hosts (the whole model unless
     * {@link Builder#shardRange} was set); consistent only when no step is in progress.
     */
    public INDArray hostedParameters() {
        return server.hostedParameters();
    }

    /** The optimizer state of the hosted shards, over {@link #hostedParameters()}; read it between steps. */
    public OptimizerState hostedOptimizerState() {
        return server.hostedOptimizerState();
    }

    /** The server's counters now. */
    public StatsSnapshot stats() {
        return server.stats().snapshot();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            if (driverLease != null) {
                driverLease.close();
            }
        }
    }

    /** Settings of an embedded server; {@link #start()} checks them together. */
    public static final class Builder {
        private final ParameterServerConfig.Builder config;
        private String host;
        private int port = -1;
        private boolean sharedDriver;

        private Builder(INDArray initialParameters, Optimizer optimizer, int workers) {
            this.config = ParameterServerConfig.builder().jobId(System.nanoTime() & Long.MAX_VALUE)
                    .initialParameters(initialParameters).optimizer(optimizer).workers(workers);
        }

        /** {@link TrainingMode#SYNC} (the default), {@link TrainingMode#ASYNC} or {@link TrainingMode#bounded(int)}. */
        public Builder mode(TrainingMode mode) {
            config.mode(mode);
            return this;
        }

        /** How workers encode gradients; {@link GradientEncoding#FLOAT32} by default. */
        public Builder encoding(GradientEncoding encoding) {
            config.encoding(encoding);
            return this;
        }

        /** Contiguous shards of the flat buffer, each aggregated by its own thread; 1 by default. */
        public Builder shards(int shards) {
            config.shards(shards);
            return this;
        }

        /** How long a SYNC step waits for every worker's gradient before it fails. */
        public Builder stepTimeout(Duration timeout) {
            config.stepTimeout(timeout);
            return this;
        }

        /** Where checkpoints go; with {@code every > 0} each shard writes one every {@code every} steps. */
        public Builder checkpoints(Path directory, int every) {
            config.checkpoints(directory, every);
            return this;
        }

        /** The job's id, when the caller chooses it (several servers of one job must share it); else a fresh one. */
        public Builder jobId(long jobId) {
            config.jobId(jobId);
            return this;
        }

        /** The job's secret token, when the caller chooses it (servers of one job share it); else a random one. */
        public Builder token(long token) {
            config.token(token);
            return this;
        }

        /**
         * The job's key ({@link JobKey#derive}): workers prove it at the join and only they are sent parameters; it
         * replaces the token. Set the {@link #jobId} too, since the key is derived for one job.
         */
        public Builder jobKey(JobKey key) {
            config.jobKey(key);
            return this;
        }

        /**
         * Host only shards {@code first .. first + count - 1} of {@link #shards(int)}: one job split over several
         * servers (for example one per Spark executor), each with its own endpoint; workers connect to all of them.
         */
        public Builder shardRange(int first, int count) {
            config.shardRange(first, count);
            return this;
        }

        /**
         * Continue from the optimizer state of the whole flat buffer (iterations and slots of the model's length),
         * instead of a fresh one; each hosted shard copies its slice at {@link #start()}.
         */
        public Builder initialOptimizerState(OptimizerState state) {
            config.initialOptimizerState(state);
            return this;
        }

        /** Start at this version (the step the job has reached) instead of 0. */
        public Builder initialVersion(long version) {
            config.initialVersion(version);
            return this;
        }

        /**
         * Over UDP, run in the JVM's one shared media driver (the one its workers' clients use with
         * {@code ClientConfig.Builder.sharedDriver(true)}) instead of a driver of its own: one driver per JVM.
         */
        public Builder sharedDriver() {
            this.sharedDriver = true;
            return this;
        }

        /** Workers in this JVM or on this host, over {@code aeron:ipc} (the default). */
        public Builder ipc() {
            config.ipc();
            host = null;
            port = -1;
            return this;
        }

        /** Workers elsewhere, over UDP to {@code host:port} (and {@code port + 1}). */
        public Builder udp(String host, int port) {
            config.udp(host, port);
            this.host = host;
            this.port = port;
            return this;
        }

        /**
         * Workers elsewhere, over UDP to {@code host} on a pair of ports free now ({@code port} for gradients,
         * {@code port + 1} for the broadcast's control), read back with {@link EmbeddedServer#port()}.
         *
         * @throws IllegalStateException when no free pair is found in 50 attempts
         */
        public Builder udpOnFreePorts(String host) {
            return udp(host, freeUdpPortPair(host));
        }

        /** Two consecutive UDP ports free on {@code host}: ingress and the broadcast's control. */
        private static int freeUdpPortPair(String host) {
            try {
                InetAddress address = InetAddress.getByName(host);
                for (int attempt = 0; attempt < 50; attempt++) {
                    int port;
                    try (DatagramSocket probe = new DatagramSocket(0, address)) {
                        port = probe.getLocalPort();
                    }
                    if (port < 65535) {
                        try (DatagramSocket a = new DatagramSocket(port, address);
                             DatagramSocket b = new DatagramSocket(port + 1, address)) {
                            return port;
                        } catch (IOException taken) {
                            // try another pair
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind UDP on " + host + ": " + e.getMessage()
                        + "; is it an address of this host?", e);
            }
            throw new IllegalStateException("no free pair of UDP ports on " + host + " after 50 attempts;"
                    + " give a port with udp(host, port)");
        }

        /**
         * Starts the server; returns once it is ready for joins.
         *
         * @throws IllegalArgumentException naming the setting when one is missing or out of range
         */
        public EmbeddedServer start() {
            if (sharedDriver && host == null) {
                throw new IllegalArgumentException("sharedDriver: only over UDP (each aeron:ipc server needs a driver"
                        + " of its own, its stream ids are fixed); call udp(...) or udpOnFreePorts(...) first,"
                        + " or drop sharedDriver()");
            }
            ParameterServerConfig built = config.build();
            SharedDriver.Lease lease = null;
            if (sharedDriver) {
                lease = SharedDriver.acquire(built.termLength(), 1 + built.workers() * (built.ownedShards() + 1));
                // The same settings (and the token drawn by the first build) over the shared driver.
                built = config.aeronDirectory(lease.directory()).token(built.token()).build();
            }
            try {
                return new EmbeddedServer(ParameterServer.start(built), host, port, lease);
            } catch (RuntimeException e) {
                if (lease != null) {
                    lease.close();
                }
                throw e;
            }
        }
    }
}
