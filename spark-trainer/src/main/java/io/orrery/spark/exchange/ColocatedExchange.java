package io.orrery.spark.exchange;

import io.orrery.ps.EmbeddedServer;
import io.orrery.ps.JobKey;
import io.orrery.ps.GradientEncoding;
import io.orrery.ps.TrainingMode;
import io.orrery.ps.client.ClientConfig;
import io.orrery.spark.ReplicableModel;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The exchange through parameter-server shards colocated with the workers: task k of the stage starts a server
 * hosting only shard k of N in its own executor's JVM (from the parameters and optimizer state the driver shipped
 * for this epoch, at the epoch's first step), publishes its endpoint with one {@link BarrierTaskContext#allGather},
 * and connects a client to all N shard servers. Each step it pushes slice s of its gradient to shard s and reads
 * slice s back from it, so each host sends and receives about 2 x the model per step whatever N is.
 *
 * <p>At the end of the epoch {@link #hostedParameters()} and {@link #hostedOptimizerState()} give shard k's state
 * for the task's report (the driver joins the N slices), after a barrier that keeps every shard server up until all
 * workers hold the last version. SYNC only: then a worker that received version T from its own shard knows that
 * shard has applied every step of the epoch.
 */
public final class ColocatedExchange extends ClientExchange {

    private final Job job;
    private EmbeddedServer server;

    /**
     * What every task of one fit needs to start its shard and reach the others; made once per fit on the driver.
     *
     * @param jobId the job's id, shared by the N shard servers
     * @param token the job's secret token, shared by the N shard servers (hidden in {@link #toString()}); 0 with a key
     * @param jobKey the job's key derived from Spark's secret, or null (hidden in {@link #toString()})
     * @param workers N: workers, and shards (one per worker)
     * @param encoding how workers encode gradients
     * @param ipc true when all tasks share one JVM (Spark local mode): {@code aeron:ipc}, else UDP on the executor's
     *            host
     * @param joinTimeout how long a task waits to join all shard servers
     * @param stepTimeout how long a step waits for every worker's gradient, and a worker for the step's parameters
     * @param checkpointDir where each shard writes its own checkpoints (on its executor's host), or null for none
     * @param checkpointEvery steps between checkpoints
     * @param sparseFraction SPARSE encoding: fraction of each chunk's values sent
     * @param sparseThreshold SPARSE encoding: magnitude threshold instead (0: the fraction)
     */
    public record Job(long jobId, long token, JobKey jobKey, int workers, GradientEncoding encoding, boolean ipc,
                      Duration joinTimeout, Duration stepTimeout, String checkpointDir, int checkpointEvery,
                      double sparseFraction, double sparseThreshold) implements Serializable {

        /** Every field but the token: this record travels in task closures, which Spark prints. */
        @Override
        public String toString() {
            return "ColocatedExchange.Job[jobId=" + jobId + " token=<hidden> keyed=" + (jobKey != null) + " workers=" + workers + " encoding="
                    + encoding + " ipc=" + ipc + " joinTimeout=" + joinTimeout + " stepTimeout=" + stepTimeout
                    + " checkpointDir=" + checkpointDir + " checkpointEvery=" + checkpointEvery + "]";
        }
    }

    private ColocatedExchange(Job job, BarrierTaskContext context, ReplicableModel replica) {
        super(context, replica);
        this.job = job;
    }

    /** The factory to pass to the stage's tasks. */
    public static ExchangeFactory factory(Job job) {
        return (context, replica) -> new ColocatedExchange(job, context, replica);
    }

    /**
     * Starts this task's shard at {@code plannedStep} from the replica's parameters and optimizer state, gathers
     * every task's endpoint, and joins all N shard servers.
     */
    @Override
    public long join(long plannedStep) {
        int worker = context.partitionId();
        if (context.getTaskInfos().length != job.workers()) {
            throw new ExchangeException("colocated shards: expected " + job.workers() + " tasks in the stage (one "
                    + "shard each), found " + context.getTaskInfos().length + "; the stage must have one task per worker");
        }
        String host = job.ipc() ? null : executorHost();
        EmbeddedServer.Builder config = EmbeddedServer.builder(replica.parameters(), replica.optimizer(), job.workers())
                .jobId(job.jobId()).mode(TrainingMode.SYNC).encoding(job.encoding())
                .shards(job.workers()).shardRange(worker, 1).stepTimeout(job.stepTimeout())
                .initialVersion(plannedStep).initialOptimizerState(replica.serverOptimizerState());
        if (job.jobKey() != null) {
            config.jobKey(job.jobKey());
        } else {
            config.token(job.token());
        }
        if (job.checkpointDir() != null) {
            config.checkpoints(Path.of(job.checkpointDir()), job.checkpointEvery());
        }
        if (job.ipc()) {
            config.ipc();
        } else {
            // The shard shares the executor's one media driver with the tasks' clients.
            config.udpOnFreePorts(host).sharedDriver();
        }
        server = config.start();
        String own = job.ipc() ? server.aeronDirectory() : host + ":" + server.port();
        String[] endpoints = context.allGather(own);
        ClientConfig.Builder client = ClientConfig.builder().jobId(job.jobId()).workerId(worker)
                .joinTimeout(job.joinTimeout()).sparseFraction(job.sparseFraction())
                .sparseThreshold(job.sparseThreshold());
        if (job.jobKey() != null) {
            client.jobKey(job.jobKey());
        } else {
            client.token(job.token());
        }
        for (int k = 0; k < endpoints.length; k++) {
            if (job.ipc()) {
                if (k == 0) {
                    client.ipc(endpoints[k]);
                } else {
                    client.alsoIpc(endpoints[k]);
                }
            } else {
                int colon = endpoints[k].lastIndexOf(':');
                String h = endpoints[k].substring(0, colon);
                int port = Integer.parseInt(endpoints[k].substring(colon + 1));
                if (k == 0) {
                    client.udp(h, port).sharedDriver(true);
                } else {
                    client.alsoUdp(h, port);
                }
            }
        }
        try {
            return connect(client.build(), job.joinTimeout());
        } catch (RuntimeException e) {
            throw new ExchangeException("Cannot join the colocated shard servers " + String.join(", ", endpoints)
                    + " from worker " + worker + ": " + e.getMessage() + ". Check that the executors can reach each"
                    + " other's addresses over UDP (each runs one shard server on a free port pair).", e);
        }
    }

    @Override
    public void exchange(long step) {
        try {
            pushAndRead(step, job.stepTimeout());
        } catch (RuntimeException e) {
            throw new ExchangeException("colocated shard step failed: worker=" + context.partitionId() + " step="
                    + step + " shards=" + job.workers() + " reason=" + e.getMessage(), e);
        }
    }

    /**
     * This task's shard's parameters after the epoch's last step; then waits (a barrier) until every worker has
     * them too, so that no shard server stops before all workers read its last version.
     */
    @Override
    public float[] hostedParameters() {
        float[] values = server.hostedParameters().toFloatVector();
        context.barrier();
        return values;
    }

    /** This task's shard's optimizer state (core's format); call after {@link #hostedParameters()}. */
    @Override
    public byte[] hostedOptimizerState() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            server.hostedOptimizerState().writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Leaves the shard servers, then stops this task's one; idempotent. */
    @Override
    public void close() {
        try {
            super.close();
        } finally {
            if (server != null) {
                server.close();
                server = null;
            }
        }
    }

    /** The address other executors reach this one at: the block manager's, which Spark advertises. */
    private static String executorHost() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "127.0.0.1" : env.blockManager().blockManagerId().host();
    }
}
