package io.orrery.ps.protocol;

import io.orrery.ps.GradientEncoding;
import io.orrery.ps.TrainingMode;
import io.orrery.ps.protocol.sbe.JoinAckDecoder;
import io.orrery.ps.protocol.sbe.JoinStatus;
import io.orrery.ps.protocol.sbe.MessageHeaderDecoder;
import io.orrery.ps.protocol.sbe.MessageHeaderEncoder;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JoinAck.nextStep came in schema version 3: a version-3 JoinAck carries it, and a version-2 one (its block ends
 * before the field) is still read, with the field null, rather than dropped for its shorter block.
 */
class JoinAckVersionTest {

    static final long JOB = 7;

    private final DropCounters drops = new DropCounters(LoggerFactory.getLogger(JoinAckVersionTest.class), "test");
    private final long[] read = {-2, -2, -2};
    private final MessageAdapter adapter = new MessageAdapter(new MessageListener() {
        @Override
        public DropReason onJoinAck(JoinAckDecoder ack, String reason) {
            read[0] = ack.currentVersion();
            read[1] = ack.nextStep();
            read[2] = reason.length();
            return null;
        }
    }, drops, 2048);

    private int encode(UnsafeBuffer dst) {
        ServerProxy proxy = new ServerProxy(JOB, 2048, new BusySpinIdleStrategy(), 1_000_000L);
        return proxy.encodeJoinAck(dst, JOB, 1, JoinStatus.ACCEPTED, TrainingMode.ASYNC, 1, 2, 1, 0, 1, 100,
                GradientEncoding.FLOAT32, 100, 40, 17, "ok");
    }

    @Test
    void aVersion3JoinAckCarriesTheNextStep() {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[2048]);
        int length = encode(buffer);
        assertTrue(adapter.decode(buffer, 0, length), drops.summary());
        assertEquals(40, read[0]);
        assertEquals(17, read[1]);
    }

    @Test
    void aVersion2JoinAckWithoutTheFieldIsReadWithTheFieldNull() {
        UnsafeBuffer v3 = new UnsafeBuffer(new byte[2048]);
        int length = encode(v3);
        int header = MessageHeaderDecoder.ENCODED_LENGTH;
        int oldBlock = JoinAckDecoder.nextStepEncodingOffset();
        // As a version-2 sender wrote it: the block without its last field, then the reason.
        UnsafeBuffer v2 = new UnsafeBuffer(new byte[2048]);
        v2.putBytes(0, v3, 0, header + oldBlock);
        v2.putBytes(header + oldBlock, v3, header + JoinAckDecoder.BLOCK_LENGTH, length - header - JoinAckDecoder.BLOCK_LENGTH);
        new MessageHeaderEncoder().wrap(v2, 0).blockLength(oldBlock).version(2);
        assertTrue(adapter.decode(v2, 0, length - (JoinAckDecoder.BLOCK_LENGTH - oldBlock)), drops.summary());
        assertEquals(40, read[0]);
        assertEquals(JoinAckDecoder.nextStepNullValue(), read[1]);
        assertEquals(2, read[2], "the reason after the shorter block");
    }
}
