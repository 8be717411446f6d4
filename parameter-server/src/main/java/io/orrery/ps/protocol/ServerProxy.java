package io.orrery.ps.protocol;

import io.aeron.Publication;
import io.orrery.ps.GradientEncoding;
import io.orrery.ps.TrainingMode;
import io.orrery.ps.protocol.sbe.ChallengeEncoder;
import io.orrery.ps.protocol.sbe.JoinAckEncoder;
import io.orrery.ps.protocol.sbe.JoinStatus;
import io.orrery.ps.protocol.sbe.MessageHeaderEncoder;
import io.orrery.ps.protocol.sbe.ParameterChunkEncoder;
import io.orrery.ps.protocol.sbe.StepFailedEncoder;
import io.orrery.ps.transport.Offers;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes and offers the messages the server broadcasts to workers. One reused buffer and reused encoders; every
 * offer goes through {@link Offers#offer}. Not thread safe: each shard agent owns one (the publication itself is
 * shared and thread safe).
 */
public final class ServerProxy {

    private final UnsafeBuffer buffer;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final JoinAckEncoder joinAck = new JoinAckEncoder();
    private final ParameterChunkEncoder parameter = new ParameterChunkEncoder();
    private final StepFailedEncoder stepFailed = new StepFailedEncoder();
    private final ChallengeEncoder challenge = new ChallengeEncoder();
    private final IdleStrategy idle;
    private final long offerTimeoutNs;
    private final long jobId;

    public ServerProxy(long jobId, int maxMessageLength, IdleStrategy idle, long offerTimeoutNs) {
        this.jobId = jobId;
        this.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxMessageLength, 64));
        this.idle = idle;
        this.offerTimeoutNs = offerTimeoutNs;
    }

    public long joinAck(Publication publication, long correlationId, JoinStatus status, TrainingMode mode, int workerId,
                        int workerCount, int shardCount, int firstShard, int ownedShards, int chunkElements,
                        GradientEncoding encoding, long modelLength, long currentVersion, long nextStep,
                        String reason) {
        int length = encodeJoinAck(buffer, jobId, correlationId, status, mode, workerId, workerCount, shardCount,
                firstShard, ownedShards, chunkElements, encoding, modelLength, currentVersion, nextStep, reason);
        return Offers.offer(publication, buffer, 0, length, idle, offerTimeoutNs, "join ack");
    }

    /**
     * Encodes a JoinAck into {@code dst} at 0 without sending it (the control agent queues it and offers it without
     * blocking). {@code jobIdField} is the job id written into the message: a rejection of a Join for another job
     * echoes the job id the sender asked for, so that it learns nothing of this job. {@code nextStep} is the first
     * step the server takes from the worker id (ASYNC/BOUNDED; a rejoining worker numbers on from it).
     *
     * @return the message length in bytes
     */
    public int encodeJoinAck(MutableDirectBuffer dst, long jobIdField, long correlationId, JoinStatus status,
                             TrainingMode mode, int workerId, int workerCount, int shardCount, int firstShard,
                             int ownedShards, int chunkElements, GradientEncoding encoding, long modelLength,
                             long currentVersion, long nextStep, String reason) {
        joinAck.wrapAndApplyHeader(dst, 0, header)
                .jobId(jobIdField)
                .correlationId(correlationId)
                .status(status)
                .mode(WireValues.mode(mode))
                .workerId(workerId)
                .workerCount(workerCount)
                .shardCount(shardCount)
                .firstShard(firstShard)
                .ownedShards(ownedShards)
                .chunkElements(chunkElements)
                .stalenessBound(WireValues.stalenessBound(mode))
                .encoding(WireValues.encoding(encoding))
                .modelLength(modelLength)
                .currentVersion(currentVersion)
                .nextStep(nextStep)
                .reason(reason);
        return header.encodedLength() + joinAck.encodedLength();
    }

    /**
     * Encodes a Challenge into {@code dst} at 0 without sending it: the answer to a Join when the job has a key.
     *
     * @return the message length in bytes
     */
    public int encodeChallenge(MutableDirectBuffer dst, long correlationId, byte[] nonce) {
        challenge.wrapAndApplyHeader(dst, 0, header).jobId(jobId).correlationId(correlationId).putNonce(nonce, 0, KeyProof.NONCE_LENGTH);
        return header.encodedLength() + challenge.encodedLength();
    }

    /**
     * Offers one parameter chunk once, without retrying: the shard agent retries on its next duty cycle rather than
     * block while a worker is slow to read.
     *
     * @return the {@link Publication#offer} result
     */
    public long tryParameterChunk(Publication publication, long version, long minWorkerStep, int shard, int chunkIndex,
                                  int chunkCount, int elementOffset, int elementCount,
                                  DirectBuffer payload, int payloadOffset, int payloadLength) {
        parameter.wrapAndApplyHeader(buffer, 0, header)
                .jobId(jobId)
                .version(version)
                .minWorkerStep(minWorkerStep)
                .shard(shard)
                .chunkIndex(chunkIndex)
                .chunkCount(chunkCount)
                .elementOffset(elementOffset)
                .elementCount(elementCount)
                .putPayload(payload, payloadOffset, payloadLength);
        return publication.offer(buffer, 0, header.encodedLength() + parameter.encodedLength());
    }

    public long stepFailed(Publication publication, long step, int shard, String reason) {
        stepFailed.wrapAndApplyHeader(buffer, 0, header).jobId(jobId).step(step).shard(shard).reason(reason);
        return Offers.offer(publication, buffer, 0, header.encodedLength() + stepFailed.encodedLength(), idle,
                offerTimeoutNs, "step failed");
    }

    /**
     * Offers a StepFailed once, without retrying (a shard agent retries on later duty cycles).
     *
     * @return the {@link Publication#offer} result
     */
    public long tryStepFailed(Publication publication, long step, int shard, String reason) {
        stepFailed.wrapAndApplyHeader(buffer, 0, header).jobId(jobId).step(step).shard(shard).reason(reason);
        return publication.offer(buffer, 0, header.encodedLength() + stepFailed.encodedLength());
    }

    /** Bytes of a parameter chunk message whose payload is {@code payloadLength} bytes. */
    public static int parameterMessageLength(int payloadLength) {
        return MessageHeaderEncoder.ENCODED_LENGTH + ParameterChunkEncoder.BLOCK_LENGTH
                + ParameterChunkEncoder.payloadHeaderLength() + payloadLength;
    }
}
