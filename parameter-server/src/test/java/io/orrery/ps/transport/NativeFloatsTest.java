package io.orrery.ps.transport;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeFloatsTest {

    private static final float[] NON_FINITE = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0xffc0_0001)};

    @Test
    void everyNonFiniteValueAtEveryPositionIsFound() {
        for (int n : new int[]{1, 2, 7, 8}) {
            for (int at = 0; at < n; at++) {
                for (float bad : NON_FINITE) {
                    INDArray v = Nd4j.linspace(DataType.FLOAT, -3, 0.5, n);
                    v.putScalar(at, bad);
                    UnsafeBuffer buffer = NativeFloats.wrap(v, new UnsafeBuffer(0, 0), "v");
                    assertFalse(NativeFloats.allFinite(buffer, 0, n), "n=" + n + " at=" + at + " value=" + bad);
                    assertTrue(NativeFloats.allFinite(buffer, 0, at), "the range before it");
                    assertTrue(NativeFloats.allFinite(buffer, at + 1, n), "the range after it");
                    assertFalse(NativeFloats.allFinite(buffer, at, at + 1), "the value alone");
                }
            }
        }
    }

    @Test
    void aNonFiniteValueIsFoundAcrossTheStagingBlocks() {
        int n = 10_001; // more than two staging blocks of 4,096 values
        for (int at : new int[]{0, 4_095, 4_096, 8_192, 10_000}) {
            INDArray v = Nd4j.linspace(DataType.FLOAT, -3, 0.001, n);
            v.putScalar(at, Float.NaN);
            UnsafeBuffer buffer = NativeFloats.wrap(v, new UnsafeBuffer(0, 0), "v");
            assertFalse(NativeFloats.allFinite(buffer), "at=" + at);
            assertTrue(NativeFloats.allFinite(buffer, 0, at), "before " + at);
            assertTrue(NativeFloats.allFinite(buffer, at + 1, n), "after " + at);
            assertFalse(NativeFloats.allFinite(buffer, Math.max(0, at - 5_000), Math.min(n, at + 1)), "around " + at);
        }
    }

    @Test
    void extremeFiniteValuesAreFinite() {
        INDArray v = Nd4j.createFromArray(Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -0f, 0f,
                Float.MIN_NORMAL);
        UnsafeBuffer buffer = NativeFloats.wrap(v, new UnsafeBuffer(0, 0), "v");
        assertTrue(NativeFloats.allFinite(buffer, 0, 6));
        assertTrue(NativeFloats.allFinite(buffer, 3, 3), "an empty range");
    }
}
