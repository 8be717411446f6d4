package io.orrery.spark.exchange;

import io.orrery.ps.JobKey;
import io.orrery.ps.client.ClientConfig;
import io.orrery.spark.ReplicableModel;
import org.apache.spark.BarrierTaskContext;

import java.io.Serializable;
import java.time.Duration;

/**
 * The exchange through the Aeron parameter server: the worker pushes its gradient of step t and, in SYNC mode, waits
 * for the server's parameters of version t+1, straight between the model's flat buffers and the wire
 * (docs/architecture.md, one step's data flow). In ASYNC and BOUNDED mode it takes the newest parameters that have
 * arrived ({@code ParameterServerClient.nextParameters}), so that its next gradient is computed while the server
 * applies this one.
 * The server owns the optimizer; a retried stage continues from the server's current version.
 */
public final class ParameterServerExchange extends ClientExchange {

    /** How long an executor keeps its media driver after its last task: longer than the gap between epochs. */
    public static final Duration DRIVER_LINGER = Duration.ofSeconds(60);

    private final Endpoint endpoint;

    private ParameterServerExchange(Endpoint endpoint, BarrierTaskContext context, ReplicableModel replica) {
        super(context, replica);
        this.endpoint = endpoint;
    }

    /**
     * Where and how the tasks reach the server.
     *
     * @param ipcDirectory the server's Aeron directory for {@code aeron:ipc} (same JVM or host), or null for UDP
     * @param host the server's host for UDP
     * @param port the server's UDP ingress port
     * @param jobId the job's id
     * @param token the job's token (messages without it are dropped); 0 for a job with a key
     * @param jobKey the job's key derived from Spark's secret ({@link SparkJobKeys}), or null for a job without one
     * @param joinTimeout how long a task waits to join
     * @param stepTimeout how long a task waits for the parameters of a step
     * @param sparseFraction SPARSE encoding (set by the server): the fraction of values a chunk sends
     * @param sparseThreshold SPARSE encoding: send values of at least this magnitude instead (0: the fraction)
     */
    public record Endpoint(String ipcDirectory, String host, int port, long jobId, long token, JobKey jobKey,
                           Duration joinTimeout,
                           Duration stepTimeout, double sparseFraction, double sparseThreshold) implements Serializable {

        /** How the endpoint reads in messages: {@code aeron:ipc dir=...} or {@code host:port}. */
        public String describe() {
            return ipcDirectory != null ? "aeron:ipc dir=" + ipcDirectory : host + ":" + port;
        }

        /**
         * Every field but the token and the key, which are secrets: this record travels in task closures, and Spark
         * prints closures and their fields in errors and the UI.
         */
        @Override
        public String toString() {
            return "Endpoint[" + describe() + " jobId=" + jobId + " token=<hidden> keyed=" + (jobKey != null)
                    + " joinTimeout=" + joinTimeout
                    + " stepTimeout=" + stepTimeout + " sparseFraction=" + sparseFraction
                    + " sparseThreshold=" + sparseThreshold + "]";
        }
    }

    /** The factory to pass to the trainer. */
    public static ExchangeFactory factory(Endpoint endpoint) {
        return (context, replica) -> new ParameterServerExchange(endpoint, context, replica);
    }

    @Override
    public long join(long plannedStep) {
        ClientConfig.Builder config = ClientConfig.builder().jobId(endpoint.jobId())
                .workerId(context.partitionId()).joinTimeout(endpoint.joinTimeout())
                .sparseFraction(endpoint.sparseFraction()).sparseThreshold(endpoint.sparseThreshold());
        if (endpoint.jobKey() != null) {
            config.jobKey(endpoint.jobKey());
        } else {
            config.token(endpoint.token());
        }
        if (endpoint.ipcDirectory() != null) {
            config.ipc(endpoint.ipcDirectory());
        } else {
            // One media driver per executor JVM, shared by its tasks (reference counted by the client library) and
            // kept between the stages of a fit, whose gaps (the driver's callbacks and evaluation) last seconds.
            config.udp(endpoint.host(), endpoint.port()).sharedDriver(true).sharedDriverLinger(DRIVER_LINGER);
        }
        try {
            return connect(config.build(), endpoint.joinTimeout());
        } catch (RuntimeException e) {
            throw new ExchangeException("Cannot reach the parameter server at " + endpoint.describe() + " from worker "
                    + context.partitionId() + ": " + e.getMessage() + ". Check that the server runs and that its "
                    + "address and ports are reachable from the executors.", e);
        }
    }

    @Override
    public void exchange(long step) {
        try {
            pushAndRead(step, endpoint.stepTimeout());
        } catch (RuntimeException e) {
            throw new ExchangeException("parameter server step failed: server=" + endpoint.describe() + " worker="
                    + context.partitionId() + " step=" + step + " reason=" + e.getMessage(), e);
        }
    }
}
