package io.orrery.ps.protocol;

import io.orrery.ps.protocol.sbe.Encoding;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradientCodecTest {

    @Test
    void halfPrecisionIsExactOnRepresentableValuesAndRoundsOthersWithinHalfAnUlp() {
        float[] exact = {0f, -0f, 1f, -2f, 0.5f, 65504f, 6.1035156e-5f, 5.9604645e-8f, 1.5f, -1025f, 0.099975586f};
        for (float v : exact) {
            assertEquals(v, GradientCodec.halfToFloat(GradientCodec.floatToHalf(v)), "value " + v);
        }
        Random random = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            float v = (float) ((random.nextDouble() - 0.5) * Math.pow(2, random.nextInt(30) - 14));
            float back = GradientCodec.halfToFloat(GradientCodec.floatToHalf(v));
            float ulp = Math.max(Math.ulp(back) * (1 << 13), 5.9604645e-8f);
            assertTrue(Math.abs(back - v) <= ulp / 2 + 1e-12f, v + " -> " + back);
        }
        assertEquals(Float.POSITIVE_INFINITY, GradientCodec.halfToFloat(GradientCodec.floatToHalf(70000f)));
        assertTrue(Float.isNaN(GradientCodec.halfToFloat(GradientCodec.floatToHalf(Float.NaN))));
    }

    @Test
    void bfloat16KeepsTheExponentAndRoundsTheMantissa() {
        assertEquals(1f, GradientCodec.bfloat16ToFloat(GradientCodec.floatToBfloat16(1f)));
        assertEquals(3.0e38f, GradientCodec.bfloat16ToFloat(GradientCodec.floatToBfloat16(3.0e38f)), 3.0e38f / 128);
        float v = 1.00390625f; // 1 + 2^-8: halfway between two bfloat16 values, rounds to even (1.0)
        assertEquals(1f, GradientCodec.bfloat16ToFloat(GradientCodec.floatToBfloat16(v)));
        assertTrue(Float.isNaN(GradientCodec.bfloat16ToFloat(GradientCodec.floatToBfloat16(Float.NaN))));
    }

    @Test
    void denseEncodingsAddIntoTheAccumulatorAndRejectNonFiniteValues() {
        UnsafeBuffer src = new UnsafeBuffer(new byte[16]);
        for (int i = 0; i < 4; i++) {
            src.putFloat(i * 4, i + 0.5f);
        }
        for (Encoding e : new Encoding[]{Encoding.FLOAT32, Encoding.FLOAT16, Encoding.BFLOAT16}) {
            UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
            int bytes = GradientCodec.encodeDense(e, src, 0, 4, payload);
            UnsafeBuffer view = new UnsafeBuffer(payload, 0, bytes);
            assertNull(GradientCodec.check(e, view, 4, 4));
            UnsafeBuffer acc = new UnsafeBuffer(new byte[16]);
            acc.putFloat(4, 10f);
            GradientCodec.addInto(e, view, 4, acc, 0);
            assertEquals(11.5f, acc.getFloat(4), e.toString());
            assertEquals(3.5f, acc.getFloat(12), e.toString());
            assertEquals(DropReason.BAD_LENGTH, GradientCodec.check(e, view, 3, 3));
        }
        UnsafeBuffer bad = new UnsafeBuffer(new byte[8]);
        bad.putFloat(4, Float.NaN, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DropReason.NON_FINITE, GradientCodec.check(Encoding.FLOAT32, bad, 2, 2));
        bad.putShort(0, (short) 0x7c00, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DropReason.NON_FINITE, GradientCodec.check(Encoding.FLOAT16, new UnsafeBuffer(bad, 0, 2), 1, 1));
    }

    @Test
    void sparsePairsAreBoundsCheckedAndAddedAtTheirIndex() {
        UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
        payload.putInt(0, 0, ByteOrder.LITTLE_ENDIAN);
        payload.putFloat(4, -1f, ByteOrder.LITTLE_ENDIAN);
        payload.putInt(8, 2, ByteOrder.LITTLE_ENDIAN);
        payload.putFloat(12, 1.5f, ByteOrder.LITTLE_ENDIAN);
        assertNull(GradientCodec.check(Encoding.SPARSE, payload, 2, 3));
        UnsafeBuffer acc = new UnsafeBuffer(new byte[12]);
        GradientCodec.addInto(Encoding.SPARSE, payload, 2, acc, 0);
        assertEquals(-1f, acc.getFloat(0));
        assertEquals(1.5f, acc.getFloat(8));
        assertEquals(DropReason.BAD_LENGTH, GradientCodec.check(Encoding.SPARSE, payload, 2, 2)); // index 2 out of range
        payload.putInt(0, -1, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DropReason.BAD_LENGTH, GradientCodec.check(Encoding.SPARSE, payload, 2, 3));
    }

    @Test
    void sparseIndicesMustBeStrictlyIncreasing() {
        UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
        payload.putInt(0, 2, ByteOrder.LITTLE_ENDIAN);
        payload.putFloat(4, 1.5f, ByteOrder.LITTLE_ENDIAN);
        payload.putInt(8, 0, ByteOrder.LITTLE_ENDIAN);
        payload.putFloat(12, -1f, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DropReason.NOT_CANONICAL, GradientCodec.check(Encoding.SPARSE, payload, 2, 3), "decreasing");
        payload.putInt(8, 2, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DropReason.NOT_CANONICAL, GradientCodec.check(Encoding.SPARSE, payload, 2, 3),
                "one index twice would add to one value twice");
        assertEquals(1.5f, GradientCodec.maxAbs(Encoding.SPARSE, payload, 1));
    }
}
