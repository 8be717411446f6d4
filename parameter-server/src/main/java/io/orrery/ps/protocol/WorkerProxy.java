package io.orrery.ps.protocol;

import io.aeron.Publication;
import io.orrery.ps.protocol.sbe.Encoding;
import io.orrery.ps.protocol.sbe.GradientChunkEncoder;
import io.orrery.ps.protocol.sbe.HeartbeatEncoder;
import io.orrery.ps.protocol.sbe.JoinEncoder;
import io.orrery.ps.protocol.sbe.JoinProofEncoder;
import io.orrery.ps.protocol.sbe.LeaveEncoder;
import io.orrery.ps.protocol.sbe.MessageHeaderEncoder;
import io.orrery.ps.protocol.sbe.ParametersRequestEncoder;
import io.orrery.ps.transport.Offers;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes and offers the messages a worker sends to the server. One reused buffer and reused encoders: nothing is
 * allocated per message. Every offer goes through {@link Offers#offer} (bounded retry, then a
 * {@link io.orrery.ps.transport.TransportException}). Not thread safe: one proxy per sending thread.
 */
public final class WorkerProxy {

    private final UnsafeBuffer buffer;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final JoinEncoder join = new JoinEncoder();
    private final GradientChunkEncoder gradient = new GradientChunkEncoder();
    private final HeartbeatEncoder heartbeat = new HeartbeatEncoder();
    private final LeaveEncoder leave = new LeaveEncoder();
    private final ParametersRequestEncoder parametersRequest = new ParametersRequestEncoder();
    private final JoinProofEncoder joinProof = new JoinProofEncoder();
    private final IdleStrategy idle;
    private final long offerTimeoutNs;
    private final long jobId;
    private final long token;

    /** @param maxMessageLength size of the reused encoding buffer: the largest message this proxy will send */
    public WorkerProxy(long jobId, long token, int maxMessageLength, IdleStrategy idle, long offerTimeoutNs) {
        this.jobId = jobId;
        this.token = token;
        this.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxMessageLength, 64));
        this.idle = idle;
        this.offerTimeoutNs = offerTimeoutNs;
    }

    public long join(Publication publication, long correlationId, int requestedWorkerId, String workerAddress) {
        join.wrapAndApplyHeader(buffer, 0, header)
                .jobId(jobId)
                .token(token)
                .correlationId(correlationId)
                .requestedWorkerId(requestedWorkerId)
                .workerAddress(workerAddress);
        return Offers.offer(publication, buffer, 0, header.encodedLength() + join.encodedLength(), idle,
                offerTimeoutNs, "join");
    }

    /** Answers a Challenge: the proof of the job key ({@link KeyProof}) and where this worker receives parameters. */
    public long joinProof(Publication publication, long correlationId, int requestedWorkerId, byte[] proof,
                          String broadcastEndpoint) {
        joinProof.wrapAndApplyHeader(buffer, 0, header)
                .jobId(jobId)
                .correlationId(correlationId)
                .requestedWorkerId(requestedWorkerId)
                .putProof(proof, 0, KeyProof.PROOF_LENGTH)
                .broadcastEndpoint(broadcastEndpoint);
        return Offers.offer(publication, buffer, 0, header.encodedLength() + joinProof.encodedLength(), idle,
                offerTimeoutNs, "join proof");
    }

    /**
     * Sends one gradient chunk whose encoded payload is {@code payloadLength} bytes of {@code payload} from
     * {@code payloadOffset}.
     */
    public long gradientChunk(Publication publication, long step, long baseVersion, int workerId, int shard, int chunkIndex,
                              int chunkCount, int elementOffset, int elementCount, Encoding encoding,
                              DirectBuffer payload, int payloadOffset, int payloadLength) {
        gradient.wrapAndApplyHeader(buffer, 0, header)
                .jobId(jobId)
                .token(token)
                .step(step)
                .baseVersion(baseVersion)
                .workerId(workerId)
                .shard(shard)
                .chunkIndex(chunkIndex)
                .chunkCount(chunkCount)
                .elementOffset(elementOffset)
                .elementCount(elementCount)
                .encoding(encoding)
                .putPayload(payload, payloadOffset, payloadLength);
        return Offers.offer(publication, buffer, 0, header.encodedLength() + gradient.encodedLength(), idle,
                offerTimeoutNs, "gradient chunk");
    }

    public long heartbeat(Publication publication, int workerId, long step) {
        heartbeat.wrapAndApplyHeader(buffer, 0, header).jobId(jobId).token(token).workerId(workerId).step(step);
        return Offers.offer(publication, buffer, 0, header.encodedLength() + heartbeat.encodedLength(), idle,
                offerTimeoutNs, "heartbeat");
    }

    public long leave(Publication publication, int workerId) {
        leave.wrapAndApplyHeader(buffer, 0, header).jobId(jobId).token(token).workerId(workerId);
        return Offers.offer(publication, buffer, 0, header.encodedLength() + leave.encodedLength(), idle,
                offerTimeoutNs, "leave");
    }

    public long parametersRequest(Publication publication, int workerId) {
        parametersRequest.wrapAndApplyHeader(buffer, 0, header).jobId(jobId).token(token).workerId(workerId);
        return Offers.offer(publication, buffer, 0, header.encodedLength() + parametersRequest.encodedLength(), idle,
                offerTimeoutNs, "parameters request");
    }

    /** Bytes of a gradient chunk message whose payload is {@code payloadLength} bytes. */
    public static int gradientMessageLength(int payloadLength) {
        return MessageHeaderEncoder.ENCODED_LENGTH + GradientChunkEncoder.BLOCK_LENGTH
                + GradientChunkEncoder.payloadHeaderLength() + payloadLength;
    }
}
