package io.orrery.ps.client;

import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.orrery.ps.protocol.DropCounters;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.KeyProof;
import io.orrery.ps.protocol.MessageAdapter;
import io.orrery.ps.protocol.MessageListener;
import io.orrery.ps.protocol.WorkerProxy;
import io.orrery.ps.protocol.sbe.ChallengeDecoder;
import io.orrery.ps.protocol.sbe.JoinAckDecoder;
import io.orrery.ps.protocol.sbe.JoinStatus;
import io.orrery.ps.protocol.sbe.ParameterChunkDecoder;
import io.orrery.ps.protocol.sbe.StepFailedDecoder;
import io.orrery.ps.transport.AeronEndpoint;
import io.orrery.ps.transport.Channels;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A process on the network that speaks the protocol by hand over UDP (its own media driver): it sends Joins and
 * JoinProofs of its choosing under its own session id, listens on a parameter endpoint of its own (which it may name
 * in a proof) and on the server's replies channel, and counts what reaches it. Tests use it as the stranger, the
 * holder of a wrong key and the replayer.
 */
final class RawKeyedPeer implements AutoCloseable {

    final int sessionId = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
    final long correlationId = ThreadLocalRandom.current().nextLong();
    final String endpoint;
    private final AeronEndpoint aeron;
    private final Publication control;
    private final Subscription parameters;
    private final Subscription replies;
    private final WorkerProxy proxy;
    private final FragmentAssembler parameterFragments;
    private final FragmentAssembler replyFragments;
    /** What reached {@link #parameters}: anything at all there means the server sent this peer something. */
    int parameterChunks;
    int acceptedJoinAcks;
    /** The worker id of the last accepted JoinAck answering this peer's own Join; -1 before. */
    int workerId = -1;
    int rejectedJoinAcks;
    int stepFailures;
    int messagesOnParameterEndpoint;
    byte[] lastNonce;
    String lastRejection;

    RawKeyedPeer(String host, int port, long jobId) {
        this.aeron = AeronEndpoint.start("raw-peer", null, 1 << 20, 8);
        this.control = aeron.aeron().addExclusivePublication(
                Channels.workerEgress(host, port, 1408, 1 << 20, sessionId), Channels.CONTROL_STREAM_ID);
        this.parameters = aeron.aeron().addSubscription("aeron:udp?endpoint=" + host + ":0", Channels.BROADCAST_STREAM_ID);
        this.replies = aeron.aeron().addSubscription(Channels.workerBroadcast(host, port, host),
                Channels.BROADCAST_STREAM_ID);
        List<String> bound = parameters.localSocketAddresses();
        this.endpoint = bound.isEmpty() ? host + ":1" : bound.get(0);
        this.proxy = new WorkerProxy(jobId, 0, 1 << 16, new BackoffIdleStrategy(), Duration.ofSeconds(10).toNanos());
        DropCounters drops = new DropCounters(LoggerFactory.getLogger(RawKeyedPeer.class), "raw-peer");
        this.parameterFragments = new FragmentAssembler(new MessageAdapter(new Counting(true), drops, 1 << 20));
        this.replyFragments = new FragmentAssembler(new MessageAdapter(new Counting(false), drops, 1 << 20));
    }

    boolean connected() {
        return control.isConnected() && replies.isConnected();
    }

    void join(int requestedWorkerId) {
        proxy.join(control, correlationId, requestedWorkerId, "raw-peer");
    }

    void proof(int requestedWorkerId, byte[] proof) {
        proxy.joinProof(control, correlationId, requestedWorkerId, proof, endpoint);
    }

    void heartbeat(int id) {
        proxy.heartbeat(control, id, -1);
    }

    /**
     * Joins with the key, asking again while the answer does not come (the first answer to a destination just added
     * can precede its image); true once admitted.
     */
    boolean joinWithKey(KeyProof proofs, long jobId, long timeoutMs) throws InterruptedException {
        long until = System.nanoTime() + timeoutMs * 1_000_000L;
        while (workerId < 0 && System.nanoTime() < until) {
            join(-1);
            if (awaitChallenge(2000)) {
                proof(-1, proofs.compute(lastNonce, jobId, correlationId, -1, sessionId, endpoint));
                pollFor(300);
            }
        }
        return workerId >= 0;
    }

    /** Polls both subscriptions for {@code millis}. */
    void pollFor(long millis) throws InterruptedException {
        long until = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < until) {
            poll();
            Thread.sleep(1);
        }
    }

    /** Polls until a new challenge arrives (true) or {@code millis} pass. */
    boolean awaitChallenge(long millis) throws InterruptedException {
        lastNonce = null;
        long until = System.nanoTime() + millis * 1_000_000L;
        while (lastNonce == null && System.nanoTime() < until) {
            poll();
            Thread.sleep(1);
        }
        return lastNonce != null;
    }

    int poll() {
        return parameters.poll(parameterFragments, 64) + replies.poll(replyFragments, 64);
    }

    Publication control() {
        return control;
    }

    AeronEndpoint aeron() {
        return aeron;
    }

    @Override
    public void close() {
        aeron.close();
    }

    /** Counts every message; the flag says which subscription it came on. */
    private final class Counting implements MessageListener {
        private final boolean onParameterEndpoint;

        Counting(boolean onParameterEndpoint) {
            this.onParameterEndpoint = onParameterEndpoint;
        }

        private void seen() {
            if (onParameterEndpoint) {
                messagesOnParameterEndpoint++;
            }
        }

        @Override
        public DropReason onChallenge(ChallengeDecoder challenge, byte[] nonce) {
            seen();
            if (challenge.correlationId() == correlationId) {
                lastNonce = nonce;
            }
            return null;
        }

        @Override
        public DropReason onJoinAck(JoinAckDecoder ack, String reason) {
            seen();
            if (ack.status() == JoinStatus.ACCEPTED) {
                acceptedJoinAcks++;
                if (ack.correlationId() == correlationId) {
                    workerId = ack.workerId();
                }
            } else if (ack.correlationId() == correlationId) {
                rejectedJoinAcks++;
                lastRejection = reason;
            }
            return null;
        }

        @Override
        public DropReason onParameterChunk(ParameterChunkDecoder chunk, DirectBuffer payload) {
            seen();
            parameterChunks++;
            return null;
        }

        @Override
        public DropReason onStepFailed(StepFailedDecoder failed, String reason) {
            seen();
            stepFailures++;
            return null;
        }
    }
}
