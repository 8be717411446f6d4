package io.orrery.spark.exchange;

import io.orrery.core.optimizers.OptimizerState;
import io.orrery.ps.EmbeddedServer;
import io.orrery.ps.JobKey;
import io.orrery.ps.TrainingMode;
import io.orrery.spark.ReplicableModel;

import java.time.Duration;
import java.security.SecureRandom;

/**
 * The driver's side of training through a parameter server: either starts one in the driver for the duration of a
 * fit ({@code aeron:ipc} when the executors share the driver's JVM, as in {@code local[*]}, else UDP on the driver's
 * host), or points at a separately started server. {@link #close()} stops a server it started; idempotent.
 */
public final class ParameterServerLink implements AutoCloseable {

    private final EmbeddedServer server;
    private final ParameterServerExchange.Endpoint endpoint;
    private final ColocatedExchange.Job colocated;

    private ParameterServerLink(EmbeddedServer server, ParameterServerExchange.Endpoint endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        this.colocated = null;
    }

    private ParameterServerLink(ColocatedExchange.Job colocated) {
        this.server = null;
        this.endpoint = null;
        this.colocated = colocated;
    }

    /**
     * Shards colocated with the workers: nothing starts in the driver; each task of a stage starts shard k of N in
     * its executor (see {@link ColocatedExchange}). Draws the job's id and secret token here, once per fit (with
     * Spark's secret, the job's key derived from it instead of a token).
     *
     * @param ipc true when all tasks run in this JVM (Spark local mode)
     */
    public static ParameterServerLink colocated(ReplicableModel model, int workers, boolean ipc, Duration joinTimeout,
                                                Duration stepTimeout, ServerSettings settings, SparkJobKeys keys) {
        if (model.optimizer() == null) {
            throw new IllegalArgumentException("Training through colocated parameter-server shards needs the model's "
                    + "optimizer: expected ReplicableModel.optimizer() to return one, found null. Compile the model "
                    + "first.");
        }
        if (workers > model.parameters().length()) {
            throw new IllegalArgumentException("colocated shards: one shard per worker needs at least one parameter "
                    + "per shard, found " + workers + " workers and " + model.parameters().length()
                    + " parameters; use fewer workers or ShardPlacement.DRIVER");
        }
        SecureRandom random = new SecureRandom();
        long jobId = random.nextLong() & Long.MAX_VALUE;
        JobKey key = keys.enabled() ? keys.forJob(jobId) : null;
        return new ParameterServerLink(new ColocatedExchange.Job(jobId, key != null ? 0 : random.nextLong(), key,
                workers, settings.encoding(), ipc, joinTimeout, stepTimeout,
                settings.checkpointDir() == null ? null : settings.checkpointDir().toString(), settings.checkpointEvery(),
                settings.sparseFraction(), settings.sparseThreshold()));
    }

    /** True when the shards run in the executors' tasks ({@link #colocated}), not in a server of this link. */
    public boolean colocated() {
        return colocated != null;
    }

    /** Where the shards are, for the fit's history: the driver's server's address, or the colocated layout. */
    public String describe() {
        if (colocated != null) {
            return "colocated, one shard on each of " + colocated.workers() + " workers"
                    + (colocated.ipc() ? " (aeron:ipc)" : " (udp)")
                    + (colocated.jobKey() != null ? ", keyed by spark.authenticate.secret" : "");
        }
        return endpoint.describe() + (server == null ? " (external)" : " (in the driver)")
                + (endpoint.jobKey() != null ? ", keyed by spark.authenticate.secret" : "");
    }

    /**
     * Starts a server in this JVM with the model's current parameters and optimizer.
     *
     * @param ipc true when all tasks run in this JVM (Spark local mode)
     * @param host the host executors reach the driver at (UDP only)
     * @param settings encoding, shards and checkpoints of the server
     * @param keys Spark's secret: when set, the job's key is derived from it and workers must prove it
     */
    public static ParameterServerLink embedded(ReplicableModel model, int workers, TrainingMode mode, boolean ipc,
                                               String host, Duration joinTimeout, Duration stepTimeout,
                                               ServerSettings settings, SparkJobKeys keys) {
        if (model.optimizer() == null) {
            throw new IllegalArgumentException("Training through the parameter server needs the model's optimizer: "
                    + "expected ReplicableModel.optimizer() to return one, found null. Compile the model first.");
        }
        EmbeddedServer.Builder config = EmbeddedServer.builder(model.parameters(), model.optimizer(), workers)
                .mode(mode).encoding(settings.encoding()).shards(settings.shards()).stepTimeout(stepTimeout);
        if (settings.checkpointDir() != null) {
            config.checkpoints(settings.checkpointDir(), settings.checkpointEvery());
        }
        JobKey key = null;
        if (keys.enabled()) {
            long jobId = new SecureRandom().nextLong() & Long.MAX_VALUE;
            key = keys.forJob(jobId);
            config.jobId(jobId).jobKey(key);
        }
        if (ipc) {
            config.ipc();
        } else {
            config.udpOnFreePorts(host);
        }
        EmbeddedServer server = config.start();
        return new ParameterServerLink(server, new ParameterServerExchange.Endpoint(ipc ? server.aeronDirectory() : null,
                server.host(), server.port(), server.jobId(), server.token(), key, joinTimeout, stepTimeout,
                settings.sparseFraction(), settings.sparseThreshold()));
    }

    /**
     * A server started separately ({@code parameter-server} main) at {@code host:port} with its job id and token, or
     * (key non-null) with a key derived from the secret it was given.
     */
    public static ParameterServerLink external(String host, int port, long jobId, long token, JobKey key,
                                               Duration joinTimeout, Duration stepTimeout, ServerSettings settings) {
        return new ParameterServerLink(null, new ParameterServerExchange.Endpoint(null, host, port, jobId, token, key,
                joinTimeout, stepTimeout, settings.sparseFraction(), settings.sparseThreshold()));
    }

    /** The driver's or external server's endpoint; null with colocated shards. */
    public ParameterServerExchange.Endpoint endpoint() {
        return endpoint;
    }

    public ExchangeFactory factory() {
        if (colocated != null) {
            return ColocatedExchange.factory(colocated);
        }
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
