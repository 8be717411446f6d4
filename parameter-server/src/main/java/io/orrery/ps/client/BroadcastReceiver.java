package io.orrery.ps.client;

import io.orrery.ps.client.ParameterAssembler.Want;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.transport.NativeFloats;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Polls the servers' broadcasts for one wait, feeding the {@link ParameterAssembler}, until it has what the wait
 * wants, the deadline passes or the caller cancels. The wait policies ({@link WaitPolicy}) decide what to wait for.
 */
final class BroadcastReceiver {

    private final ServerConnections connections;
    private final ParameterAssembler assembler;
    private final ShardLayout layout;
    private final String identity;
    private final String serverDescription;
    private final int workerId;
    private final UnsafeBuffer out = new UnsafeBuffer(0, 0);
    private final IdleStrategy idle;
    private volatile BooleanSupplier cancelled = () -> false;
    /** Set when a message was left in the stream for a later wait ({@link ParameterAssembler.Outcome#LATER}). */
    private boolean stoppedAtLater;

    BroadcastReceiver(ServerConnections connections, ParameterAssembler assembler, ShardLayout layout, int workerId,
                      String address, String serverDescription, IdleStrategy idle) {
        this.idle = idle;
        this.connections = connections;
        this.assembler = assembler;
        this.layout = layout;
        this.workerId = workerId;
        this.identity = "workerId=" + workerId + " worker=" + address;
        this.serverDescription = serverDescription;
    }

    ParameterAssembler assembler() {
        return assembler;
    }

    int workerId() {
        return workerId;
    }

    String serverDescription() {
        return serverDescription;
    }

    void cancelWhen(BooleanSupplier cancelled) {
        this.cancelled = Objects.requireNonNull(cancelled, "cancelled");
    }

    /** Called by the broadcast listener when it left a message in the stream for a later wait. */
    void stoppedAtLater() {
        stoppedAtLater = true;
    }

    /**
     * Polls until every shard holds {@code version} as {@code want} says (EXACT, AT_LEAST), or, for NEWEST, until
     * nothing more has arrived and no shard is part-way through a version.
     *
     * @throws ParameterServerTimeoutException when {@code timeout} passes; the message names the missing shards
     * @throws StepFailedException when the server gave up on the step before {@code version}
     * @throws WorkerEvictedException when a server said this worker's id was taken over
     * @throws WaitCancelledException when the caller cancelled or the thread was interrupted
     */
    void receive(Want want, long version, INDArray flatParamsOut, Duration timeout) {
        checkLength(flatParamsOut, "flatParamsOut");
        NativeFloats.wrap(flatParamsOut, out, "flatParamsOut");
        assembler.begin(want, version, out);
        boolean untilIdle = want == Want.NEWEST;
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        idle.reset();
        while (untilIdle || !assembler.finished()) {
            int n = 0;
            for (ServerConnection c : connections.all()) {
                if (!untilIdle && assembler.finished()) {
                    break;
                }
                n += c.poll();
            }
            if (n == 0) {
                connections.checkEvicted();
                if (untilIdle && !assembler.partWayThroughAVersion()) {
                    break;
                }
                if (System.nanoTime() - deadlineNs >= 0) {
                    throw new ParameterServerTimeoutException(describeMissing(version, timeout));
                }
                checkCancelled(version);
                idle.idle();
            } else {
                idle.reset();
            }
        }
        String failures = assembler.failures();
        if (failures != null) {
            throw new StepFailedException(version - 1, failures);
        }
    }

    /**
     * Consumes broadcast messages this worker no longer needs (parameters of versions it already holds, sent for
     * another worker's request) so that a busy worker does not hold back the broadcast; stops at anything newer.
     */
    void drainStale() {
        assembler.beginDrain();
        for (ServerConnection c : connections.all()) {
            stoppedAtLater = false;
            while (c.poll() > 0 && !stoppedAtLater) {
                // keep consuming stale messages
            }
        }
        stoppedAtLater = false;
    }

    /** @throws WaitCancelledException when the caller cancelled or the thread was interrupted */
    void checkCancelled(long version) {
        if (Thread.currentThread().isInterrupted() || cancelled.getAsBoolean()) {
            throw new WaitCancelledException("wait for parameters cancelled: version=" + version + " workerId="
                    + workerId + " server=" + serverDescription
                    + (Thread.currentThread().isInterrupted() ? " (thread interrupted)" : " (cancelled by the caller)"));
        }
    }

    void checkLength(INDArray array, String what) {
        if (array.length() != layout.modelLength()) {
            throw new IllegalArgumentException(what + ": expected " + layout.modelLength()
                    + " elements (the server's model length), found " + array.length());
        }
    }

    private String describeMissing(long version, Duration timeout) {
        return "timed out after " + timeout.toMillis() + " ms waiting for parameters: version=" + version
                + " " + identity + " server=" + serverDescription
                + " missing=" + assembler.missing(connections.shardSources())
                + " broadcastConnected=" + connections.allBroadcastsConnected()
                + "; the server log names the workers whose gradients it is waiting for";
    }
}
