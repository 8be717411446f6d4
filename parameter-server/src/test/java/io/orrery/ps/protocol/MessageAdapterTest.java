package io.orrery.ps.protocol;

import io.orrery.ps.protocol.sbe.Encoding;
import io.orrery.ps.protocol.sbe.GradientChunkDecoder;
import io.orrery.ps.protocol.sbe.GradientChunkEncoder;
import io.orrery.ps.protocol.sbe.JoinDecoder;
import io.orrery.ps.protocol.sbe.JoinEncoder;
import io.orrery.ps.protocol.sbe.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageAdapterTest {

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final DropCounters drops = new DropCounters(LoggerFactory.getLogger(MessageAdapterTest.class), "test");
    private final RecordingListener listener = new RecordingListener();
    private final MessageAdapter adapter = new MessageAdapter(listener, drops, 2048);

    private int encodeGradient(float... values) {
        MessageHeaderEncoder header = new MessageHeaderEncoder();
        GradientChunkEncoder encoder = new GradientChunkEncoder();
        UnsafeBuffer payload = new UnsafeBuffer(new byte[values.length * 4]);
        for (int i = 0; i < values.length; i++) {
            payload.putFloat(i * 4, values[i], java.nio.ByteOrder.LITTLE_ENDIAN);
        }
        encoder.wrapAndApplyHeader(buffer, 0, header).jobId(7).token(99).step(3).workerId(1).shard(0)
                .chunkIndex(2).chunkCount(4).elementOffset(8).elementCount(values.length).encoding(Encoding.FLOAT32)
                .putPayload(payload, 0, values.length * 4);
        return header.encodedLength() + encoder.encodedLength();
    }

    @Test
    void validGradientChunkReachesListenerWithPayloadView() {
        int length = encodeGradient(1f, 2f, 3f);
        assertTrue(adapter.decode(buffer, 0, length));
        assertEquals(1, listener.gradients);
        assertEquals(12, listener.lastPayloadBytes);
        assertEquals(3f, listener.lastValue);
        assertEquals(0, drops.total());
    }

    @Test
    void messageShorterThanHeaderIsDroppedAsTruncated() {
        assertFalse(adapter.decode(buffer, 0, 5));
        assertEquals(1, drops.count(DropReason.TRUNCATED));
    }

    @Test
    void everyTruncationOfAValidMessageIsDropped() {
        int length = encodeGradient(1f, 2f, 3f, 4f);
        for (int cut = 0; cut < length; cut++) {
            assertFalse(adapter.decode(buffer, 0, cut), "cut=" + cut);
        }
        assertEquals(length, drops.count(DropReason.TRUNCATED));
        assertEquals(0, listener.gradients);
    }

    @Test
    void declaredPayloadLongerThanMessageIsDroppedAsTruncated() {
        int length = encodeGradient(1f, 2f);
        int limit = MessageHeaderEncoder.ENCODED_LENGTH + GradientChunkEncoder.BLOCK_LENGTH;
        buffer.putInt(limit, 0x7fff_fff0, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertFalse(adapter.decode(buffer, 0, length));
        assertEquals(1, drops.count(DropReason.TRUNCATED));
    }

    @Test
    void messageLongerThanLimitIsDroppedAsOversized() {
        assertFalse(adapter.decode(buffer, 0, 3000));
        assertEquals(1, drops.count(DropReason.OVERSIZED));
    }

    @Test
    void foreignSchemaUnknownVersionAndUnknownTemplateAreDropped() {
        int length = encodeGradient(1f);
        buffer.putShort(4, (short) 1234, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertFalse(adapter.decode(buffer, 0, length));
        assertEquals(1, drops.count(DropReason.UNKNOWN_SCHEMA));

        length = encodeGradient(1f);
        buffer.putShort(6, (short) 99, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertFalse(adapter.decode(buffer, 0, length));
        assertEquals(1, drops.count(DropReason.UNSUPPORTED_VERSION));

        length = encodeGradient(1f);
        buffer.putShort(2, (short) 77, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertFalse(adapter.decode(buffer, 0, length));
        assertEquals(1, drops.count(DropReason.UNKNOWN_TEMPLATE));
    }

    @Test
    void shortRootBlockIsDropped() {
        int length = encodeGradient(1f);
        buffer.putShort(0, (short) 10, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertFalse(adapter.decode(buffer, 0, length));
        assertEquals(1, drops.count(DropReason.BAD_BLOCK_LENGTH));
    }

    @Test
    void messageTypeTheEndpointDoesNotExpectIsDropped() {
        MessageHeaderEncoder header = new MessageHeaderEncoder();
        JoinEncoder join = new JoinEncoder();
        join.wrapAndApplyHeader(buffer, 0, header).jobId(1).token(2).correlationId(3).requestedWorkerId(-1)
                .workerAddress("host/1");
        MessageAdapter gradientOnly = new MessageAdapter(new MessageListener() {
            @Override
            public DropReason onGradientChunk(GradientChunkDecoder chunk, DirectBuffer payload) {
                return null;
            }
        }, drops, 2048);
        assertFalse(gradientOnly.decode(buffer, 0, header.encodedLength() + join.encodedLength()));
        assertEquals(1, drops.count(DropReason.UNKNOWN_TEMPLATE));
    }

    @Test
    void randomBytesNeverThrowAndAreDroppedOrAcceptedConsistently() {
        Random random = new Random(42);
        byte[] bytes = new byte[512];
        UnsafeBuffer fuzz = new UnsafeBuffer(bytes);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            random.nextBytes(bytes);
            if (i % 2 == 0) {
                // Half the cases get a valid header so the fuzzing reaches the per-template checks.
                fuzz.putShort(4, (short) MessageHeaderEncoder.SCHEMA_ID, java.nio.ByteOrder.LITTLE_ENDIAN);
                fuzz.putShort(6, (short) 1, java.nio.ByteOrder.LITTLE_ENDIAN);
                fuzz.putShort(2, (short) (1 + random.nextInt(8)), java.nio.ByteOrder.LITTLE_ENDIAN);
                fuzz.putShort(0, (short) random.nextInt(80), java.nio.ByteOrder.LITTLE_ENDIAN);
            }
            int length = random.nextInt(bytes.length + 1);
            if (adapter.decode(fuzz, 0, length)) {
                accepted++;
            }
        }
        assertEquals(200_000, accepted + drops.total());
    }

    /** Accepts everything it is given and remembers the last gradient payload. */
    static final class RecordingListener implements MessageListener {
        int gradients;
        int joins;
        int lastPayloadBytes;
        float lastValue;

        @Override
        public DropReason onGradientChunk(GradientChunkDecoder chunk, DirectBuffer payload) {
            gradients++;
            lastPayloadBytes = payload.capacity();
            if (payload.capacity() >= 4) {
                lastValue = payload.getFloat(payload.capacity() - 4, java.nio.ByteOrder.LITTLE_ENDIAN);
            }
            return null;
        }

        @Override
        public DropReason onJoin(JoinDecoder join, String workerAddress) {
            joins++;
            return null;
        }
    }
}
