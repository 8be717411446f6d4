package io.orrery.ps.protocol;

import io.orrery.ps.protocol.sbe.Encoding;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class Float32IngestTest {

    private static UnsafeBuffer direct(float[] values) {
        UnsafeBuffer b = new UnsafeBuffer(ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()));
        for (int i = 0; i < values.length; i++) {
            b.putFloat(i * 4, values[i]);
        }
        return b;
    }

    private static float[] floats(UnsafeBuffer b) {
        float[] out = new float[b.capacity() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getFloat(i * 4);
        }
        return out;
    }

    @Test
    void addsExactlyAsTheGenericLoop() {
        Random random = new Random(3);
        float[] start = new float[3000];
        for (int i = 0; i < start.length; i++) {
            start[i] = (float) random.nextGaussian();
        }
        UnsafeBuffer fast = direct(start);
        UnsafeBuffer generic = direct(start);
        Float32Ingest ingest = new Float32Ingest(1000);
        for (int round = 0; round < 3; round++) {
            float[] chunk = new float[1000];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (float) random.nextGaussian();
            }
            UnsafeBuffer payload = direct(chunk);
            assertNull(ingest.check(payload, 1000, 1000));
            ingest.addChecked(fast, 1000 * 4);
            assertNull(GradientCodec.check(Encoding.FLOAT32, payload, 1000, 1000));
            GradientCodec.addInto(Encoding.FLOAT32, payload, 1000, generic, 1000 * 4);
        }
        assertArrayEquals(floats(generic), floats(fast));
    }

    @Test
    void rejectsNonFiniteValuesAndWrongLengths() {
        Float32Ingest ingest = new Float32Ingest(8);
        float[] values = {1, 2, 3, 4, 5, 6, 7, 8};
        for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] withBad = values.clone();
            withBad[5] = bad;
            assertEquals(DropReason.NON_FINITE, ingest.check(direct(withBad), 8, 8));
        }
        assertEquals(DropReason.BAD_LENGTH, ingest.check(direct(values), 7, 8));
        assertEquals(DropReason.BAD_LENGTH, ingest.check(direct(values), 8, 7));
        assertEquals(DropReason.BAD_LENGTH, ingest.check(direct(new float[16]), 16, 16)); // longer than any chunk
        assertNull(ingest.check(direct(values), 8, 8));
    }
}
