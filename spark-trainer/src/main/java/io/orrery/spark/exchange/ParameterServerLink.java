package io.orrery.spark.exchange;

import io.orrery.core.optimizers.OptimizerState;
import io.orrery.ps.EmbeddedServer;
import io.orrery.ps.TrainingMode;
import io.orrery.spark.ReplicableModel;

import java.time.Duration;

/**
 * The driver's side of training through a parameter server: either starts one in the driver for the duration of a
 * fit ({@code aeron:ipc} when the executors share the driver's JVM, as in {@code local[*]}, else UDP on the driver's
 * host), or points at a separately started server. {@link #close()} stops a server it started; idempotent.
 */
public final class ParameterServerLink implements AutoCloseable {

    private final EmbeddedServer server;
    private final ParameterServerExchange.Endpoint endpoint;

    private ParameterServerLink(EmbeddedServer server, ParameterServerExchange.Endpoint endpoint) {
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
        EmbeddedServer.Builder config = EmbeddedServer.builder(model.parameters(), model.optimizer(), workers)
                .mode(mode).encoding(settings.encoding()).shards(settings.shards()).stepTimeout(stepTimeout);
        if (settings.checkpointDir() != null) {
            config.checkpoints(settings.checkpointDir(), settings.checkpointEvery());
        }
        if (ipc) {
            config.ipc();
        } else {
            config.udpOnFreePorts(host);
        }
        EmbeddedServer server = config.start();
        return new ParameterServerLink(server, new ParameterServerExchange.Endpoint(ipc ? server.aeronDirectory() : null,
                server.host(), server.port(), server.jobId(), server.token(), joinTimeout, stepTimeout,
                settings.sparseFraction(), settings.sparseThreshold()));
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
    public EmbeddedServer server() {
        return server;
    }

    /**
     * The optimizer state of the whole flat buffer from a server this link started (read it between stages, when no
     * step is in progress); null for an external server.
     */
    public OptimizerState optimizerState() {
        return server == null ? null : server.optimizerState();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
