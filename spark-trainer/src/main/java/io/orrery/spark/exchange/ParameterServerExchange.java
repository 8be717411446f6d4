package io.orrery.spark.exchange;

import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
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
public final class ParameterServerExchange implements GradientExchange {

    private long sendNanos;
    private long waitNanos;
    private long bytesSentAtClose;
    private long bytesReceivedAtClose;

    private final Endpoint endpoint;
    private final BarrierTaskContext context;
    private final ReplicableModel replica;
    private ParameterServerClient client;

    private ParameterServerExchange(Endpoint endpoint, BarrierTaskContext context, ReplicableModel replica) {
        this.endpoint = endpoint;
        this.context = context;
        this.replica = replica;
    }

    /**
     * Where and how the tasks reach the server.
     *
     * @param ipcDirectory the server's Aeron directory for {@code aeron:ipc} (same JVM or host), or null for UDP
     * @param host the server's host for UDP
     * @param port the server's UDP ingress port
     * @param jobId the job's id
     * @param token the job's token (messages without it are dropped)
     * @param joinTimeout how long a task waits to join
     * @param stepTimeout how long a task waits for the parameters of a step
     * @param sparseFraction SPARSE encoding (set by the server): the fraction of values a chunk sends
     * @param sparseThreshold SPARSE encoding: send values of at least this magnitude instead (0: the fraction)
     */
    public record Endpoint(String ipcDirectory, String host, int port, long jobId, long token, Duration joinTimeout,
                           Duration stepTimeout, double sparseFraction, double sparseThreshold) implements Serializable {

        /** How the endpoint reads in messages: {@code aeron:ipc dir=...} or {@code host:port}. */
        public String describe() {
            return ipcDirectory != null ? "aeron:ipc dir=" + ipcDirectory : host + ":" + port;
        }

        /**
         * Every field but the token, which is a secret: this record travels in task closures, and Spark prints
         * closures and their fields in errors and the UI.
         */
        @Override
        public String toString() {
            return "Endpoint[" + describe() + " jobId=" + jobId + " token=<hidden> joinTimeout=" + joinTimeout
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
        ClientConfig.Builder config = ClientConfig.builder().jobId(endpoint.jobId()).token(endpoint.token())
                .workerId(context.partitionId()).joinTimeout(endpoint.joinTimeout())
                .sparseFraction(endpoint.sparseFraction()).sparseThreshold(endpoint.sparseThreshold());
        if (endpoint.ipcDirectory() != null) {
            config.ipc(endpoint.ipcDirectory());
        } else {
            // One media driver per executor JVM, shared by its tasks (reference counted by the client library).
            config.udp(endpoint.host(), endpoint.port()).sharedDriver(true);
        }
        try {
            client = ParameterServerClient.connect(config.build());
            // Spark kills the survivors of a failed barrier stage without interrupting their threads (it only marks
            // the task context), so the waits poll the mark: a killed task leaves its wait within a millisecond
            // instead of at the server's step timeout.
            client.cancelWhen(context::isInterrupted);
            client.awaitInitialParameters(replica.parameters(), endpoint.joinTimeout());
        } catch (RuntimeException e) {
            throw new ExchangeException("Cannot reach the parameter server at " + endpoint.describe() + " from worker "
                    + context.partitionId() + ": " + e.getMessage() + ". Check that the server runs and that its "
                    + "address and ports are reachable from the executors.", e);
        }
        return client.startStep();
    }

    @Override
    public void exchange(long step) {
        try {
            long t0 = System.nanoTime();
            client.pushGradients(step, replica.gradients());
            long t1 = System.nanoTime();
            // A task whose peer died is released when Spark kills the stage's attempt (cancelWhen above), at the
            // latest when the server fails the step (after its step timeout). SYNC waits for exactly the next
            // version; ASYNC and BOUNDED take the newest that has arrived and compute on while the server applies.
            client.nextParameters(step, replica.parameters(), endpoint.stepTimeout());
            sendNanos += t1 - t0;
            waitNanos += System.nanoTime() - t1;
        } catch (RuntimeException e) {
            throw new ExchangeException("parameter server step failed: server=" + endpoint.describe() + " worker="
                    + context.partitionId() + " step=" + step + " reason=" + e.getMessage(), e);
        }
    }

    @Override
    public long sendNanos() {
        return sendNanos;
    }

    @Override
    public long waitNanos() {
        return waitNanos;
    }

    @Override
    public long bytesSent() {
        return client == null ? bytesSentAtClose : client.bytesSent();
    }

    @Override
    public long bytesReceived() {
        return client == null ? bytesReceivedAtClose : client.bytesReceived();
    }

    @Override
    public void close() {
        if (client != null) {
            bytesSentAtClose = client.bytesSent();
            bytesReceivedAtClose = client.bytesReceived();
            client.close();
            client = null;
        }
    }
}
