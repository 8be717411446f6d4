package io.orrery.spark.exchange;

import io.orrery.ps.TrainingMode;
import io.orrery.core.optimizers.OptimizerState;
import io.orrery.ps.protocol.ShardLayout;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import io.orrery.ps.server.ParameterServer;
import io.orrery.ps.server.ParameterServerConfig;
import io.orrery.spark.ReplicableModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The driver's side of training through a parameter server: either starts one in the driver for the duration of a
 * fit ({@code aeron:ipc} when the executors share the driver's JVM, as in {@code local[*]}, else UDP on the driver's
 * host), or points at a separately started server. {@link #close()} stops a server it started; idempotent.
 */
public final class ParameterServerLink implements AutoCloseable {

    private final ParameterServer server;
    private final ParameterServerExchange.Endpoint endpoint;

    private ParameterServerLink(ParameterServer server, ParameterServerExchange.Endpoint endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /**
     * Starts a server in this JVM with the model's current parameters and optimizer.
     *
     * @param ipc true when all tasks run in this JVM (Spark local mode)
     * @param host the host executors reach the driver at (UDP only)
     * @param settings encoding, shards and checkpoints of the server
     */
    public static ParameterServerLink embedded(ReplicableModel model, int workers, TrainingMode mode, boolean ipc,
                                               String host, Duration joinTimeout, Duration stepTimeout,
                                               ServerSettings settings) {
        if (model.optimizer() == null) {
            throw new IllegalArgumentException("Training through the parameter server needs the model's optimizer: "
                    + "expected ReplicableModel.optimizer() to return one, found null. Compile the model first.");
        }
        long jobId = System.nanoTime() & Long.MAX_VALUE;
        long token = new SecureRandom().nextLong();
        ParameterServerConfig.Builder config = ParameterServerConfig.builder().jobId(jobId).token(token)
                .workers(workers).initialParameters(model.parameters()).optimizer(model.optimizer())
                .stepTimeout(stepTimeout).encoding(settings.encoding()).shards(settings.shards()).mode(mode);
        if (settings.checkpointDir() != null) {
            config.checkpoints(settings.checkpointDir(), settings.checkpointEvery());
        }
        int port = -1;
        if (ipc) {
            config.ipc();
        } else {
            port = freeUdpPortPair(host);
            config.udp(host, port);
        }
        ParameterServer server = ParameterServer.start(config.build());
        return new ParameterServerLink(server, new ParameterServerExchange.Endpoint(ipc ? server.aeronDirectory() : null,
                ipc ? null : host, port, jobId, token, joinTimeout, stepTimeout, settings.sparseFraction(),
                settings.sparseThreshold()));
    }

    /** A server started separately ({@code parameter-server} main) at {@code host:port} with its job id and token. */
    public static ParameterServerLink external(String host, int port, long jobId, long token, Duration joinTimeout,
                                               Duration stepTimeout, ServerSettings settings) {
        return new ParameterServerLink(null, new ParameterServerExchange.Endpoint(null, host, port, jobId, token,
                joinTimeout, stepTimeout, settings.sparseFraction(), settings.sparseThreshold()));
    }

    public ParameterServerExchange.Endpoint endpoint() {
        return endpoint;
    }

    public ExchangeFactory factory() {
        return ParameterServerExchange.factory(endpoint);
    }

    /** The server this link started, or null for an external one. */
    public ParameterServer server() {
        return server;
    }

    /**
     * The optimizer state of the whole flat buffer, joined from the shards of a server this link started (read it
     * between stages, when no step is in progress); null for an external server.
     */
    public OptimizerState optimizerState() {
        if (server == null) {
            return null;
        }
        ShardLayout layout = server.layout();
        OptimizerState first = server.optimizerState(0);
        if (layout.shardCount() == 1) {
            return first;
        }
        INDArray[] slots = new INDArray[first.slots().length];
        for (int k = 0; k < slots.length; k++) {
            INDArray[] parts = new INDArray[layout.shardCount()];
            for (int s = 0; s < parts.length; s++) {
                parts[s] = server.optimizerState(s).slots()[k].reshape(-1);
            }
            slots[k] = Nd4j.concat(0, parts);
        }
        // Every shard applies every step, so their iteration counts agree.
        return new OptimizerState(first.iterations(), slots);
    }

    /** The server uses {@code port} for ingress and {@code port + 1} for its broadcast control. */
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
            throw new UncheckedIOException("cannot bind UDP on " + host + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("no free pair of UDP ports on " + host + " after 50 attempts");
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
