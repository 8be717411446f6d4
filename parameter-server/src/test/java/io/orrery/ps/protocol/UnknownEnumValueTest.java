package io.orrery.ps.protocol;

import io.orrery.ps.protocol.sbe.Encoding;
import io.orrery.ps.protocol.sbe.GradientChunkDecoder;
import io.orrery.ps.protocol.sbe.GradientChunkEncoder;
import io.orrery.ps.protocol.sbe.JoinAckDecoder;
import io.orrery.ps.protocol.sbe.JoinAckEncoder;
import io.orrery.ps.protocol.sbe.JoinStatus;
import io.orrery.ps.protocol.sbe.MessageHeaderEncoder;
import io.orrery.ps.protocol.sbe.TrainingMode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Enum values the schema does not list, in messages that are otherwise valid (right header, job and token): the
 * adapter counts a drop with its reason and never hands the message to a listener, whose generated accessors would
 * throw.
 */
class UnknownEnumValueTest {

    static final long JOB = 7;
    static final long TOKEN = 99;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final DropCounters drops = new DropCounters(LoggerFactory.getLogger(UnknownEnumValueTest.class), "test");
    private final ReadingListener listener = new ReadingListener();
    private final MessageAdapter adapter = new MessageAdapter(listener, drops, 2048);

    /** Reads every field as the server and client do, enums through their generated accessors. */
    static final class ReadingListener implements MessageListener {
        int gradients;
        int acks;

        @Override
        public DropReason onGradientChunk(GradientChunkDecoder chunk, DirectBuffer payload) {
            if (chunk.jobId() != JOB || chunk.token() != TOKEN) {
                return DropReason.BAD_TOKEN;
            }
            Encoding encoding = chunk.encoding();
            gradients++;
            return GradientCodec.check(encoding, payload, chunk.elementCount(), chunk.elementCount());
        }

        @Override
        public DropReason onJoinAck(JoinAckDecoder ack, String reason) {
            if (ack.status() == JoinStatus.ACCEPTED && ack.mode() == TrainingMode.SYNC && ack.encoding() == Encoding.FLOAT32) {
                acks++;
            }
            return null;
        }
    }

    /** A valid FLOAT32 chunk of two values with the encoding byte set to {@code rawEncoding}. */
    private int gradient(int rawEncoding) {
        GradientChunkEncoder encoder = new GradientChunkEncoder();
        UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        payload.putFloat(0, 1f, ByteOrder.LITTLE_ENDIAN);
        payload.putFloat(4, 2f, ByteOrder.LITTLE_ENDIAN);
        encoder.wrapAndApplyHeader(buffer, 0, header).jobId(JOB).token(TOKEN).step(0).baseVersion(0).workerId(0).shard(0)
                .chunkIndex(0).chunkCount(1).elementOffset(0).elementCount(2).encoding(Encoding.FLOAT32)
                .putPayload(payload, 0, 8);
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + GradientChunkEncoder.encodingEncodingOffset(), (byte) rawEncoding);
        return header.encodedLength() + encoder.encodedLength();
    }

    /** A valid accepted JoinAck; {@code field} (an encoding offset) then holds {@code raw}, unless {@code field} < 0. */
    private int joinAck(int field, int raw) {
        JoinAckEncoder encoder = new JoinAckEncoder();
        encoder.wrapAndApplyHeader(buffer, 0, header).jobId(JOB).correlationId(5).status(JoinStatus.ACCEPTED)
                .mode(TrainingMode.SYNC).workerId(0).workerCount(1).shardCount(1).firstShard(0).ownedShards(1)
                .chunkElements(16).stalenessBound(0).encoding(Encoding.FLOAT32).modelLength(10).currentVersion(0)
                .reason("");
        if (field >= 0) {
            buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + field, (byte) raw);
        }
        return header.encodedLength() + encoder.encodedLength();
    }

    @Test
    void aGradientWithAnUnknownEncodingIsADropNotAnException() {
        assertTrue(adapter.decode(buffer, 0, gradient(Encoding.FLOAT32.value())), "the unmutated message is valid");
        assertFalse(adapter.decode(buffer, 0, gradient(7)));
        assertFalse(adapter.decode(buffer, 0, gradient(200)));
        assertEquals(2, drops.count(DropReason.BAD_ENCODING));
        assertEquals(1, listener.gradients, "the listener never sees an encoding it cannot read");
    }

    @Test
    void aGradientWithTheSchemasNullEncodingIsADrop() {
        assertFalse(adapter.decode(buffer, 0, gradient(Encoding.NULL_VAL.value())));
        assertEquals(1, drops.count(DropReason.BAD_ENCODING));
        assertEquals(0, listener.gradients);
        assertNull(GradientCodec.encodingOf(Encoding.NULL_VAL.value()));
        assertEquals(DropReason.BAD_ENCODING, GradientCodec.check(Encoding.NULL_VAL, new UnsafeBuffer(new byte[0]), 0, 0));
    }

    @Test
    void aJoinAckWithAnUnknownStatusOrModeIsCountedAsAnUnknownEnumValue() {
        assertTrue(adapter.decode(buffer, 0, joinAck(-1, 0)), "the unmutated message is valid");
        assertFalse(adapter.decode(buffer, 0, joinAck(JoinAckEncoder.statusEncodingOffset(), 9)));
        assertFalse(adapter.decode(buffer, 0, joinAck(JoinAckEncoder.modeEncodingOffset(), 3)));
        assertFalse(adapter.decode(buffer, 0, joinAck(JoinAckEncoder.modeEncodingOffset(), TrainingMode.NULL_VAL.value())));
        assertEquals(3, drops.count(DropReason.UNKNOWN_ENUM_VALUE));
        assertFalse(adapter.decode(buffer, 0, joinAck(JoinAckEncoder.encodingEncodingOffset(), 4)));
        assertEquals(1, drops.count(DropReason.BAD_ENCODING));
        assertEquals(1, listener.acks);
    }

    @Test
    void everyByteValueOfEveryEnumFieldDecodesWithoutThrowing() {
        for (int raw = 0; raw < 256; raw++) {
            adapter.decode(buffer, 0, gradient(raw));
            for (int field : new int[]{JoinAckEncoder.statusEncodingOffset(), JoinAckEncoder.modeEncodingOffset(),
                    JoinAckEncoder.encodingEncodingOffset()}) {
                adapter.decode(buffer, 0, joinAck(field, raw));
            }
        }
        assertEquals(2 * (256 - 4), drops.count(DropReason.BAD_ENCODING), "gradient and JoinAck encodings");
        assertEquals((256 - 2) + (256 - 3), drops.count(DropReason.UNKNOWN_ENUM_VALUE));
    }
}
