package io.orrery.spark.exchange;

import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.spark.ReplicableModel;
import org.apache.spark.BarrierTaskContext;

import java.time.Duration;

/**
 * What both Aeron exchanges do with their parameter-server client (a server in the driver or its own process,
 * {@link ParameterServerExchange}; shards colocated on the workers, {@link ColocatedExchange}): connect and take
 * the initial parameters, push a step's gradient and read its parameters while timing both, and keep the byte
 * counters readable after close. The subclasses differ only in how they find the servers, what else they host, and
 * what their errors say.
 */
abstract class ClientExchange implements GradientExchange {

    /** The stage's task context: its partition is the worker id, its interrupt mark cancels the waits. */
    protected final BarrierTaskContext context;
    /** The worker's model replica: gradients are read from it, parameters written into it. */
    protected final ReplicableModel replica;
    private ParameterServerClient client;
    private long sendNanos;
    private long waitNanos;
    private long bytesSentAtClose;
    private long bytesReceivedAtClose;

    ClientExchange(BarrierTaskContext context, ReplicableModel replica) {
        this.context = context;
        this.replica = replica;
    }

    /**
     * Connects with {@code config} and waits until the replica's parameters hold the servers' current version.
     *
     * @return the step to continue from: in SYNC the servers' version; in ASYNC and BOUNDED the first step number
     *     the servers take from this worker id, past the steps its previous holder sent (a task of a retried stage)
     * @throws RuntimeException as the client throws it; the caller names the servers it tried in its own message
     */
    final long connect(ClientConfig config, Duration joinTimeout) {
        client = ParameterServerClient.connect(config);
        // Spark kills the survivors of a failed barrier stage without interrupting their threads (it only marks
        // the task context), so the waits poll the mark: a killed task leaves its wait within a millisecond
        // instead of at the server's step timeout.
        client.cancelWhen(context::isInterrupted);
        client.awaitInitialParameters(replica.parameters(), joinTimeout);
        // ASYNC/BOUNDED number each worker's own gradients, and the servers drop a number their id already used.
        return client.mode().isSync() ? client.startStep() : client.nextOwnStep();
    }

    /**
     * Pushes the replica's gradient of {@code step} and reads the parameters that follow it into the replica. A
     * task whose peer died is released when Spark kills the stage's attempt (see {@link #connect}), at the latest
     * when the server fails the step (after its step timeout). SYNC waits for exactly the next version; ASYNC and
     * BOUNDED take the newest that has arrived and compute on while the server applies this one.
     *
     * @throws RuntimeException as the client throws it; the caller says which step of which job failed
     */
    final void pushAndRead(long step, Duration stepTimeout) {
        long t0 = System.nanoTime();
        client.pushGradients(step, replica.gradients());
        long t1 = System.nanoTime();
        client.nextParameters(step, replica.parameters(), stepTimeout);
        sendNanos += t1 - t0;
        waitNanos += System.nanoTime() - t1;
    }

    @Override
    public final long sendNanos() {
        return sendNanos;
    }

    @Override
    public final long waitNanos() {
        return waitNanos;
    }

    @Override
    public final long bytesSent() {
        return client == null ? bytesSentAtClose : client.bytesSent();
    }

    @Override
    public final long bytesReceived() {
        return client == null ? bytesReceivedAtClose : client.bytesReceived();
    }

    /** Leaves the servers, keeping the byte counts; idempotent. A subclass that hosts more closes it after this. */
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
