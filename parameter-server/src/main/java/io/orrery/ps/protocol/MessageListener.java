package io.orrery.ps.protocol;

import io.orrery.ps.protocol.sbe.ChallengeDecoder;
import io.orrery.ps.protocol.sbe.GradientChunkDecoder;
import io.orrery.ps.protocol.sbe.HeartbeatDecoder;
import io.orrery.ps.protocol.sbe.JoinAckDecoder;
import io.orrery.ps.protocol.sbe.JoinDecoder;
import io.orrery.ps.protocol.sbe.JoinProofDecoder;
import io.orrery.ps.protocol.sbe.LeaveDecoder;
import io.orrery.ps.protocol.sbe.ParameterChunkDecoder;
import io.orrery.ps.protocol.sbe.ParametersRequestDecoder;
import io.orrery.ps.protocol.sbe.StepFailedDecoder;
import org.agrona.DirectBuffer;

/**
 * Receives messages whose structure {@link MessageAdapter} has checked: header, block length and the bounds of
 * variable-length data. Field values (job, token, indices) are the listener's to check. A listener returns
 * {@code null} to accept, or a drop reason; the default for every message type is {@link DropReason#UNKNOWN_TEMPLATE}
 * because each endpoint expects only some types. The decoders are flyweights valid only during the call.
 */
public interface MessageListener {

    default DropReason onJoin(JoinDecoder join, String workerAddress) {
        return DropReason.UNKNOWN_TEMPLATE;
    }

    default DropReason onJoinAck(JoinAckDecoder ack, String reason) {
        return DropReason.UNKNOWN_TEMPLATE;
    }

    /** @param payload view over the chunk's payload bytes inside the received buffer (no copy) */
    default DropReason onGradientChunk(GradientChunkDecoder chunk, DirectBuffer payload) {
        return DropReason.UNKNOWN_TEMPLATE;
    }

    /** @param payload view over the chunk's payload bytes inside the received buffer (no copy) */
    default DropReason onParameterChunk(ParameterChunkDecoder chunk, DirectBuffer payload) {
        return DropReason.UNKNOWN_TEMPLATE;
    }

    default DropReason onHeartbeat(HeartbeatDecoder heartbeat) {
        return DropReason.UNKNOWN_TEMPLATE;
    }

    default DropReason onLeave(LeaveDecoder leave) {
        return DropReason.UNKNOWN_TEMPLATE;
    }

    default DropReason onParametersRequest(ParametersRequestDecoder request) {
        return DropReason.UNKNOWN_TEMPLATE;
    }

    /** @param nonce the challenge's nonce, copied ({@link KeyProof#NONCE_LENGTH} bytes) */
    default DropReason onChallenge(ChallengeDecoder challenge, byte[] nonce) {
        return DropReason.UNKNOWN_TEMPLATE;
    }

    /**
     * @param proof the proof, copied ({@link KeyProof#PROOF_LENGTH} bytes)
     * @param broadcastEndpoint where the worker receives parameters over UDP; empty over IPC
     */
    default DropReason onJoinProof(JoinProofDecoder joinProof, byte[] proof, String broadcastEndpoint) {
        return DropReason.UNKNOWN_TEMPLATE;
    }

    default DropReason onStepFailed(StepFailedDecoder failed, String reason) {
        return DropReason.UNKNOWN_TEMPLATE;
    }
}
