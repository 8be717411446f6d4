package io.orrery.ps.client;

import io.orrery.ps.TrainingMode;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.KeyProof;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.WireValues;
import io.orrery.ps.protocol.WorkerProxy;
import io.orrery.ps.protocol.sbe.ChallengeDecoder;
import io.orrery.ps.protocol.sbe.Encoding;
import io.orrery.ps.protocol.sbe.JoinAckDecoder;
import io.orrery.ps.protocol.sbe.JoinStatus;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;

/**
 * The join: waits until every server process of the job is connected, sends each a Join and reads its JoinAck.
 * Every server must give this worker the same id (the first one's answer is requested from the rest) and describe
 * the same job; the answers become the {@link JobTerms}.
 *
 * <p>For a job with a key the server answers a Join with a Challenge; this worker answers with a JoinProof
 * ({@link KeyProof}) and the JoinAck follows on the parameter channel once the server has added this worker as a
 * destination. The first answers sent to a destination just added can precede the worker's image of the channel, so
 * a Join not answered within {@link #KEYED_RESEND_NS} is sent again (the server answers a proven sender that already
 * holds an id with the same id).
 */
final class JoinHandshake {

    /**
     * What the servers told this worker: the shard layout, the mode, the gradient encoding, the job's worker count
     * and this worker's id.
     */
    record JobTerms(ShardLayout layout, TrainingMode mode, Encoding encoding, int workers, int workerId) {
    }

    /** Most shards a JoinAck may name (the tables per shard are allocated from it). */
    static final int MAX_SHARDS = 1 << 16;
    /** Most chunks of a model a JoinAck may imply (a table entry each): 2^26 chunks, some 10^11 parameters. */
    static final long MAX_CHUNKS = 1L << 26;

    /** Wait between Joins while the requested id is held by a live process. */
    private static final long HELD_RETRY_NS = 250_000_000L;

    /** A keyed Join not answered within this is sent again. */
    static final long KEYED_RESEND_NS = 250_000_000L;

    private final ClientConfig config;
    private final String address;
    /** Null without a job key. */
    private final KeyProof keyProof;
    private JobTerms terms;
    private long joinVersion;
    /** The highest nextStep the servers answered (ASYNC/BOUNDED: where this id's numbering goes on). */
    private long nextStep;

    JoinHandshake(ClientConfig config, String address) {
        this.config = config;
        this.address = address;
        this.keyProof = config.jobKey == null ? null : new KeyProof(config.jobKey);
    }

    /**
     * Joins every server of {@code connections}; returns the job's terms.
     *
     * @throws ParameterServerTimeoutException when a server is not connected or does not answer within the join timeout
     * @throws IllegalStateException when a server rejects the join (the message carries its reason)
     */
    JobTerms join(ServerConnections connections, WorkerProxy proxy, IdleStrategy idle) {
        long deadlineNs = System.nanoTime() + config.joinTimeout.toNanos();
        for (ServerConnection c : connections.all()) {
            while (!c.connected()) {
                if (System.nanoTime() - deadlineNs >= 0) {
                    throw new ParameterServerTimeoutException("join timed out: no connection to the parameter server at "
                            + c.target + " after " + config.joinTimeout.toMillis() + " ms (broadcastConnected="
                            + c.broadcast.isConnected() + " controlConnected=" + c.control.isConnected() + " worker="
                            + address + "); is the server running, and are its ports reachable from this host?");
                }
                idle.idle();
            }
        }
        idle.reset();
        for (ServerConnection c : connections.all()) {
            while (true) {
                // Every server process must give this worker the same id: the first one's answer is requested from
                // the rest.
                c.requestedWorkerId = terms != null ? terms.workerId() : config.requestedWorkerId;
                sendJoin(c, proxy);
                long resendNs = System.nanoTime() + KEYED_RESEND_NS;
                while (!c.joined && c.rejection == null) {
                    if (c.poll() == 0) {
                        long now = System.nanoTime();
                        if (now - deadlineNs >= 0) {
                            throw new ParameterServerTimeoutException("join timed out: no answer from the parameter"
                                    + " server at " + c.target + " within " + config.joinTimeout.toMillis()
                                    + " ms (worker=" + address + " jobId=" + config.jobId
                                    + (keyProof != null ? " keyed=true" : "") + ")");
                        }
                        if (keyProof != null && now - resendNs >= 0) {
                            sendJoin(c, proxy);
                            resendNs = now + KEYED_RESEND_NS;
                        }
                        idle.idle();
                    }
                }
                if (c.rejection != null && c.idHeld && System.nanoTime() + HELD_RETRY_NS - deadlineNs < 0) {
                    // The id is held by a live process (the one this worker replaces, not yet timed out at the
                    // server): ask again until it is, within the join timeout.
                    c.rejection = null;
                    c.idHeld = false;
                    LockSupport.parkNanos(HELD_RETRY_NS);
                    continue;
                }
                break;
            }
            if (c.rejection != null) {
                throw new IllegalStateException("join rejected by the parameter server at " + c.target + ": " + c.rejection);
            }
        }
        connections.routeShards(terms.layout());
        return terms;
    }

    private void sendJoin(ServerConnection c, WorkerProxy proxy) {
        synchronized (c.control) {
            proxy.join(c.control, c.correlationId, c.requestedWorkerId, address);
        }
    }

    /**
     * Answers a Challenge to this worker's Join with the proof of the job key. A worker without a key cannot: the
     * join fails with a message saying the server wants one.
     */
    DropReason onChallenge(ServerConnection c, ChallengeDecoder challenge, byte[] nonce, WorkerProxy proxy) {
        if (challenge.jobId() != config.jobId || challenge.correlationId() != c.correlationId || c.joined) {
            return null; // another worker's challenge on the shared replies channel, or a late one
        }
        if (keyProof == null) {
            c.rejection = "the server asks for a proof of the job key and this worker has none; give the worker the"
                    + " job's key (ClientConfig.Builder.jobKey, derived from the job's secret)";
            return DropReason.BAD_PROOF;
        }
        byte[] proof = keyProof.compute(nonce, config.jobId, c.correlationId, c.requestedWorkerId, c.sessionId,
                c.broadcastEndpoint);
        c.challengerSessionId = c.adapter.sessionId();
        c.challengerSource = c.adapter.sourceIdentity();
        synchronized (c.control) {
            proxy.joinProof(c.control, c.correlationId, c.requestedWorkerId, proof, c.broadcastEndpoint);
        }
        return null;
    }

    /** The oldest version the servers offered this worker to start from. */
    long joinVersion() {
        return joinVersion;
    }

    /** The first step the servers take from this worker id (ASYNC/BOUNDED), the highest of their answers. */
    long nextStep() {
        return nextStep;
    }

    /** A version-2 server does not say (null): 0, the numbering of a new worker. */
    private static long nextStepOf(JoinAckDecoder ack) {
        long next = ack.nextStep();
        return next == JoinAckDecoder.nextStepNullValue() ? 0 : Math.max(0, next);
    }

    /** Handles a JoinAck read from {@code c}'s broadcast; another worker's answer is ignored. */
    DropReason onJoinAck(ServerConnection c, JoinAckDecoder ack, String reason) {
        if (ack.jobId() != config.jobId || ack.correlationId() != c.correlationId) {
            return null; // another worker's answer on the shared broadcast: not ours, not an error
        }
        if (ack.status() != JoinStatus.ACCEPTED) {
            c.rejection = reason;
            c.idHeld = ack.workerId() >= 0; // a rejection naming an id: held by a live worker, worth asking again
            return null;
        }
        // Bounded before anything is allocated from them: the layout and the assembler's per-chunk tables.
        if (ack.modelLength() < 1 || ack.shardCount() < 1 || ack.shardCount() > MAX_SHARDS || ack.chunkElements() < 1
                || ack.modelLength() / ack.chunkElements() > MAX_CHUNKS
                || ack.chunkElements() > ShardLayout.maxChunkElements(config.termLength) || ack.firstShard() < 0
                || ack.ownedShards() < 1
                || (long) ack.firstShard() + ack.ownedShards() > ack.shardCount()) {
            c.rejection = "impossible layout in JoinAck: modelLength=" + ack.modelLength() + " shards="
                    + ack.shardCount() + " hosted=" + ack.firstShard() + "+" + ack.ownedShards() + " chunkElements="
                    + ack.chunkElements() + " (this worker takes chunks of at most "
                    + ShardLayout.maxChunkElements(config.termLength) + " elements at its termLength=" + config.termLength
                    + "; give the worker the server's termLength or the server a smaller chunkElements)";
            return DropReason.BAD_LENGTH;
        }
        TrainingMode mode;
        try {
            mode = WireValues.mode(ack.mode(), ack.stalenessBound());
            WireValues.encoding(ack.encoding());
        } catch (IllegalArgumentException e) {
            c.rejection = e.getMessage();
            return DropReason.BAD_ENCODING; // a value this version cannot decode
        }
        if (terms == null) {
            terms = new JobTerms(new ShardLayout(ack.modelLength(), ack.shardCount(), ack.chunkElements()), mode,
                    ack.encoding(), ack.workerCount(), ack.workerId());
            joinVersion = ack.currentVersion();
            nextStep = nextStepOf(ack);
        } else if (ack.modelLength() != terms.layout().modelLength() || ack.shardCount() != terms.layout().shardCount()
                || ack.chunkElements() != terms.layout().chunkElements() || !mode.equals(terms.mode())
                || ack.encoding() != terms.encoding() || ack.workerCount() != terms.workers()
                || ack.workerId() != terms.workerId()) {
            c.rejection = "server processes of one job disagree: " + c.target + " answered modelLength="
                    + ack.modelLength() + " shards=" + ack.shardCount() + " chunkElements=" + ack.chunkElements()
                    + " mode=" + mode + " encoding=" + ack.encoding() + " workers=" + ack.workerCount()
                    + " workerId=" + ack.workerId() + ", the first answered " + terms.layout() + " mode=" + terms.mode()
                    + " encoding=" + terms.encoding() + " workers=" + terms.workers() + " workerId=" + terms.workerId();
            return null;
        } else {
            joinVersion = Math.min(joinVersion, ack.currentVersion());
            // Each server process counts the shards it hosts: the id goes on past the furthest of them.
            nextStep = Math.max(nextStep, nextStepOf(ack));
        }
        c.firstShard = ack.firstShard();
        c.ownedShards = ack.ownedShards();
        c.joined = true;
        c.adapter.breakAfterCurrent(); // parameters that follow belong to awaitInitialParameters
        return null;
    }
}
