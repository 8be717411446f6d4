package io.orrery.ps.protocol;

import io.aeron.Image;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.orrery.ps.protocol.sbe.ChallengeDecoder;
import io.orrery.ps.protocol.sbe.GradientChunkDecoder;
import io.orrery.ps.protocol.sbe.HeartbeatDecoder;
import io.orrery.ps.protocol.sbe.JoinAckDecoder;
import io.orrery.ps.protocol.sbe.JoinDecoder;
import io.orrery.ps.protocol.sbe.JoinProofDecoder;
import io.orrery.ps.protocol.sbe.JoinStatus;
import io.orrery.ps.protocol.sbe.LeaveDecoder;
import io.orrery.ps.protocol.sbe.MessageHeaderDecoder;
import io.orrery.ps.protocol.sbe.ParameterChunkDecoder;
import io.orrery.ps.protocol.sbe.ParametersRequestDecoder;
import io.orrery.ps.protocol.sbe.StepFailedDecoder;
import io.orrery.ps.protocol.sbe.TrainingMode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.IntStream;


/**
 * Decodes received fragments and hands them to a {@link MessageListener}, trusting nothing: the header's schema id,
 * version and template id, the root block length and every variable-length field's bounds are checked against the
 * fragment's length before any field is read. A message that fails a check is dropped and counted in
 * {@link DropCounters} with a log line; decoding never throws on bad bytes. Enum fields are checked here too, raw,
 * because the generated accessors throw on a value the schema does not list (a newer or hostile sender): a listener
 * only ever sees values it can read.
 *
 * <p>Reuses its decoders and payload view, so it allocates nothing for gradient and parameter chunks. Not thread
 * safe: one adapter per polling thread.
 */
public final class MessageAdapter implements FragmentHandler {

    /** Longest text field (worker address, reasons) accepted. */
    public static final int MAX_TEXT_BYTES = 4096;
    private static final int VAR_LENGTH_BYTES = 4;
    private static final boolean[] JOIN_STATUSES = known(Arrays.stream(JoinStatus.values())
            .filter(v -> v != JoinStatus.NULL_VAL).mapToInt(JoinStatus::value));
    private static final boolean[] TRAINING_MODES = known(Arrays.stream(TrainingMode.values())
            .filter(v -> v != TrainingMode.NULL_VAL).mapToInt(TrainingMode::value));

    private final MessageListener listener;
    private final DropCounters drops;
    private final int maxMessageLength;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final JoinDecoder join = new JoinDecoder();
    private final JoinAckDecoder joinAck = new JoinAckDecoder();
    private final GradientChunkDecoder gradient = new GradientChunkDecoder();
    private final ParameterChunkDecoder parameter = new ParameterChunkDecoder();
    private final HeartbeatDecoder heartbeat = new HeartbeatDecoder();
    private final LeaveDecoder leave = new LeaveDecoder();
    private final ParametersRequestDecoder parametersRequest = new ParametersRequestDecoder();
    private final StepFailedDecoder stepFailed = new StepFailedDecoder();
    private final ChallengeDecoder challenge = new ChallengeDecoder();
    private final JoinProofDecoder joinProof = new JoinProofDecoder();
    private final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    private final ControlledFragmentHandler controlledView = this::onControlledFragment;
    private ControlledFragmentHandler.Action pendingAction = ControlledFragmentHandler.Action.CONTINUE;
    /** The Aeron header of the fragment being decoded; null when {@link #decode} is called directly. */
    private Header currentHeader;

    /**
     * @param maxMessageLength longest message accepted, in bytes; longer ones are dropped as {@link DropReason#OVERSIZED}
     */
    public MessageAdapter(MessageListener listener, DropCounters drops, int maxMessageLength) {
        this.listener = listener;
        this.drops = drops;
        this.maxMessageLength = maxMessageLength;
    }

    @Override
    public void onFragment(DirectBuffer buffer, int offset, int length, Header aeronHeader) {
        currentHeader = aeronHeader;
        try {
            decode(buffer, offset, length);
        } finally {
            currentHeader = null;
        }
    }

    /**
     * The Aeron session id of the message being handled (valid only inside a listener call): the sender's
     * publication, which a worker binds to its id at the join. 0 when the message did not come through Aeron.
     */
    public int sessionId() {
        return currentHeader == null ? 0 : currentHeader.sessionId();
    }

    /**
     * Where the message being handled came from, as the media driver saw it ({@code host:port} of the sending
     * socket over UDP, {@code aeron:ipc} over IPC); valid only inside a listener call. Together with
     * {@link #sessionId()} it names the sender. Empty when the message did not come through an Aeron image.
     */
    public String sourceIdentity() {
        Object context = currentHeader == null ? null : currentHeader.context();
        return context instanceof Image image ? image.sourceIdentity() : "";
    }

    /** Leave the message being handled in the stream; only meaningful under controlled polling. */
    public void abortCurrent() {
        pendingAction = ControlledFragmentHandler.Action.ABORT;
    }

    /** Stop the current poll after this message; only meaningful under controlled polling. */
    public void breakAfterCurrent() {
        pendingAction = ControlledFragmentHandler.Action.BREAK;
    }

    /**
     * A {@link ControlledFragmentHandler} view of this adapter, for controlled polling: a listener may leave the
     * current message in the stream ({@link #abortCurrent()}) or stop the poll after it ({@link #breakAfterCurrent()}).
     */
    public ControlledFragmentHandler controlled() {
        return controlledView;
    }

    private ControlledFragmentHandler.Action onControlledFragment(DirectBuffer buffer, int offset, int length, Header aeronHeader) {
        pendingAction = ControlledFragmentHandler.Action.CONTINUE;
        currentHeader = aeronHeader;
        try {
            decode(buffer, offset, length);
        } finally {
            currentHeader = null;
        }
        return pendingAction;
    }

    /**
     * Checks and dispatches one message.
     *
     * @return true when the message reached the listener and was accepted
     */
    public boolean decode(DirectBuffer buffer, int offset, int length) {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH) {
            return drop(DropReason.TRUNCATED, "length=" + length + " expected>=" + MessageHeaderDecoder.ENCODED_LENGTH);
        }
        if (length > maxMessageLength) {
            return drop(DropReason.OVERSIZED, "length=" + length + " max=" + maxMessageLength);
        }
        header.wrap(buffer, offset);
        int schemaId = header.schemaId();
        if (schemaId != MessageHeaderDecoder.SCHEMA_ID) {
            return drop(DropReason.UNKNOWN_SCHEMA, "schemaId=" + schemaId + " expected=" + MessageHeaderDecoder.SCHEMA_ID);
        }
        int version = header.version();
        if (version < 1 || version > MessageHeaderDecoder.SCHEMA_VERSION) {
            return drop(DropReason.UNSUPPORTED_VERSION, "version=" + version + " supported=1.."
                    + MessageHeaderDecoder.SCHEMA_VERSION + " hint=\"run the same Orrery version on server and workers\"");
        }
        int templateId = header.templateId();
        int blockLength = header.blockLength();
        int blockOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        int end = offset + length;
        DropReason result;
        switch (templateId) {
            case GradientChunkDecoder.TEMPLATE_ID: {
                if (!checkBlock(templateId, blockLength, GradientChunkDecoder.BLOCK_LENGTH, blockOffset, end, 1)) {
                    return false;
                }
                gradient.wrap(buffer, blockOffset, blockLength, version);
                if (!checkVarData(buffer, gradient.limit(), end, templateId, Integer.MAX_VALUE)) {
                    return false;
                }
                gradient.wrapPayload(payload);
                if (GradientCodec.encodingOf(gradient.encodingRaw()) == null) {
                    return drop(DropReason.BAD_ENCODING, "templateId=" + templateId + " " + describe(templateId));
                }
                result = listener.onGradientChunk(gradient, payload);
                break;
            }
            case ParameterChunkDecoder.TEMPLATE_ID: {
                if (!checkBlock(templateId, blockLength, ParameterChunkDecoder.BLOCK_LENGTH, blockOffset, end, 1)) {
                    return false;
                }
                parameter.wrap(buffer, blockOffset, blockLength, version);
                if (!checkVarData(buffer, parameter.limit(), end, templateId, Integer.MAX_VALUE)) {
                    return false;
                }
                parameter.wrapPayload(payload);
                result = listener.onParameterChunk(parameter, payload);
                break;
            }
            case JoinDecoder.TEMPLATE_ID: {
                if (!checkBlock(templateId, blockLength, JoinDecoder.BLOCK_LENGTH, blockOffset, end, 1)) {
                    return false;
                }
                join.wrap(buffer, blockOffset, blockLength, version);
                if (!checkVarData(buffer, join.limit(), end, templateId, MAX_TEXT_BYTES)) {
                    return false;
                }
                result = listener.onJoin(join, join.workerAddress());
                break;
            }
            case JoinAckDecoder.TEMPLATE_ID: {
                // A version-2 JoinAck ends before nextStep (its decoder then reads the field as null).
                int ackBlock = version < JoinAckDecoder.nextStepSinceVersion() ? JoinAckDecoder.nextStepEncodingOffset()
                        : JoinAckDecoder.BLOCK_LENGTH;
                if (!checkBlock(templateId, blockLength, ackBlock, blockOffset, end, 1)) {
                    return false;
                }
                joinAck.wrap(buffer, blockOffset, blockLength, version);
                if (!checkVarData(buffer, joinAck.limit(), end, templateId, MAX_TEXT_BYTES)) {
                    return false;
                }
                if (GradientCodec.encodingOf(joinAck.encodingRaw()) == null) {
                    return drop(DropReason.BAD_ENCODING, "templateId=" + templateId + " " + describe(templateId));
                }
                if (!isKnown(JOIN_STATUSES, joinAck.statusRaw()) || !isKnown(TRAINING_MODES, joinAck.modeRaw())) {
                    return drop(DropReason.UNKNOWN_ENUM_VALUE, "templateId=" + templateId + " " + describe(templateId));
                }
                result = listener.onJoinAck(joinAck, joinAck.reason());
                break;
            }
            case HeartbeatDecoder.TEMPLATE_ID: {
                if (!checkBlock(templateId, blockLength, HeartbeatDecoder.BLOCK_LENGTH, blockOffset, end, 0)) {
                    return false;
                }
                heartbeat.wrap(buffer, blockOffset, blockLength, version);
                result = listener.onHeartbeat(heartbeat);
                break;
            }
            case LeaveDecoder.TEMPLATE_ID: {
                if (!checkBlock(templateId, blockLength, LeaveDecoder.BLOCK_LENGTH, blockOffset, end, 0)) {
                    return false;
                }
                leave.wrap(buffer, blockOffset, blockLength, version);
                result = listener.onLeave(leave);
                break;
            }
            case ParametersRequestDecoder.TEMPLATE_ID: {
                if (!checkBlock(templateId, blockLength, ParametersRequestDecoder.BLOCK_LENGTH, blockOffset, end, 0)) {
                    return false;
                }
                parametersRequest.wrap(buffer, blockOffset, blockLength, version);
                result = listener.onParametersRequest(parametersRequest);
                break;
            }
            case StepFailedDecoder.TEMPLATE_ID: {
                if (!checkBlock(templateId, blockLength, StepFailedDecoder.BLOCK_LENGTH, blockOffset, end, 1)) {
                    return false;
                }
                stepFailed.wrap(buffer, blockOffset, blockLength, version);
                if (!checkVarData(buffer, stepFailed.limit(), end, templateId, MAX_TEXT_BYTES)) {
                    return false;
                }
                result = listener.onStepFailed(stepFailed, stepFailed.reason());
                break;
            }
            case ChallengeDecoder.TEMPLATE_ID: {
                if (!checkBlock(templateId, blockLength, ChallengeDecoder.BLOCK_LENGTH, blockOffset, end, 0)) {
                    return false;
                }
                challenge.wrap(buffer, blockOffset, blockLength, version);
                byte[] nonce = new byte[KeyProof.NONCE_LENGTH];
                challenge.getNonce(nonce, 0, KeyProof.NONCE_LENGTH);
                result = listener.onChallenge(challenge, nonce);
                break;
            }
            case JoinProofDecoder.TEMPLATE_ID: {
                if (!checkBlock(templateId, blockLength, JoinProofDecoder.BLOCK_LENGTH, blockOffset, end, 1)) {
                    return false;
                }
                joinProof.wrap(buffer, blockOffset, blockLength, version);
                if (!checkVarData(buffer, joinProof.limit(), end, templateId, MAX_TEXT_BYTES)) {
                    return false;
                }
                byte[] proof = new byte[KeyProof.PROOF_LENGTH];
                joinProof.getProof(proof, 0, KeyProof.PROOF_LENGTH);
                result = listener.onJoinProof(joinProof, proof, joinProof.broadcastEndpoint());
                break;
            }
            default:
                return drop(DropReason.UNKNOWN_TEMPLATE, "templateId=" + templateId + " length=" + length);
        }
        if (result != null) {
            return drop(result, "templateId=" + templateId + " " + describe(templateId));
        }
        return true;
    }

    /** The root block must be at least as long as this build's fields and fit, with its var-data headers, in the message. */
    private boolean checkBlock(int templateId, int blockLength, int expectedBlockLength, int blockOffset, int end, int varFields) {
        if (blockLength < expectedBlockLength) {
            return drop(DropReason.BAD_BLOCK_LENGTH, "templateId=" + templateId + " blockLength=" + blockLength
                    + " expected>=" + expectedBlockLength);
        }
        long needed = (long) blockOffset + blockLength + (long) varFields * VAR_LENGTH_BYTES;
        if (needed > end) {
            return drop(DropReason.TRUNCATED, "templateId=" + templateId + " blockLength=" + blockLength
                    + " missingBytes=" + (needed - end));
        }
        return true;
    }

    /** A var-data field's declared length must fit in what is left of the message. */
    private boolean checkVarData(DirectBuffer buffer, int limit, int end, int templateId, int maxLength) {
        long declared = buffer.getInt(limit, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        long available = (long) end - limit - VAR_LENGTH_BYTES;
        if (declared > available) {
            return drop(DropReason.TRUNCATED, "templateId=" + templateId + " declaredLength=" + declared
                    + " availableBytes=" + available);
        }
        if (declared > maxLength) {
            return drop(DropReason.OVERSIZED, "templateId=" + templateId + " declaredLength=" + declared
                    + " max=" + maxLength);
        }
        return true;
    }

    private String describe(int templateId) {
        switch (templateId) {
            case GradientChunkDecoder.TEMPLATE_ID:
                return "jobId=" + gradient.jobId() + " workerId=" + gradient.workerId() + " step=" + gradient.step()
                        + " shard=" + gradient.shard() + " chunk=" + gradient.chunkIndex() + "/" + gradient.chunkCount()
                        + " elementOffset=" + gradient.elementOffset() + " elementCount=" + gradient.elementCount()
                        + " encoding=" + gradient.encodingRaw() + " payloadBytes=" + payload.capacity();
            case ParameterChunkDecoder.TEMPLATE_ID:
                return "jobId=" + parameter.jobId() + " version=" + parameter.version() + " shard=" + parameter.shard()
                        + " chunk=" + parameter.chunkIndex() + "/" + parameter.chunkCount();
            case JoinDecoder.TEMPLATE_ID:
                return "jobId=" + join.jobId() + " requestedWorkerId=" + join.requestedWorkerId();
            case JoinAckDecoder.TEMPLATE_ID:
                return "jobId=" + joinAck.jobId() + " correlationId=" + joinAck.correlationId() + " status="
                        + joinAck.statusRaw() + " mode=" + joinAck.modeRaw() + " encoding=" + joinAck.encodingRaw();
            case HeartbeatDecoder.TEMPLATE_ID:
                return "jobId=" + heartbeat.jobId() + " workerId=" + heartbeat.workerId() + " step=" + heartbeat.step();
            case LeaveDecoder.TEMPLATE_ID:
                return "jobId=" + leave.jobId() + " workerId=" + leave.workerId();
            case ChallengeDecoder.TEMPLATE_ID:
                return "jobId=" + challenge.jobId() + " correlationId=" + challenge.correlationId();
            case JoinProofDecoder.TEMPLATE_ID:
                return "jobId=" + joinProof.jobId() + " correlationId=" + joinProof.correlationId()
                        + " requestedWorkerId=" + joinProof.requestedWorkerId();
            default:
                return "";
        }
    }

    /** A table of the uint8 values an enum lists. */
    private static boolean[] known(IntStream values) {
        boolean[] table = new boolean[256];
        values.forEach(v -> table[v & 0xff] = true);
        return table;
    }

    private static boolean isKnown(boolean[] table, short raw) {
        return raw >= 0 && raw < table.length && table[raw];
    }

    private boolean drop(DropReason reason, String detail) {
        drops.drop(reason, detail);
        return false;
    }
}
