package io.orrery.core.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The branch-free ReLU loops agree bit for bit with the plain definitions ({@code a > 0 ? g : 0} and
 * {@code max(x, 0)}) on the values where a bit trick could go wrong: both zeros, subnormals, the largest finite
 * values, infinities and NaNs of either sign, plus random values, over more than one block.
 */
class HostLoopsReluTest {

    private static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.NaN, Float.intBitsToFloat(0xffc00001), Float.intBitsToFloat(0x7f800001), 1f, -1f, 1e-30f, -1e-30f};

    private static float[] values(int n, long seed) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < SPECIAL.length * SPECIAL.length ? SPECIAL[i % SPECIAL.length] : (float) random.nextGaussian();
        }
        return v;
    }

    @Test
    void reluBackwardKeepsTheGradientExactlyWhereTheActivationIsPositive() {
        int n = 9_000; // more than two blocks of 4,096
        float[] a = values(n, 1);
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            g[i] = SPECIAL[(i / SPECIAL.length) % SPECIAL.length] * (i % 7 == 0 ? -3f : 1f);
        }
        INDArray aArr = Nd4j.createFromArray(a);
        INDArray gArr = Nd4j.createFromArray(g);
        HostLoops.reluBackward(aArr, gArr);
        float[] out = gArr.toFloatVector();
        for (int i = 0; i < n; i++) {
            float expected = a[i] > 0f ? g[i] : 0f;
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[i]),
                    "a=" + a[i] + " g=" + g[i]);
        }
    }

    @Test
    void positiveMaskIsAllOnesExactlyForFloatsAboveZero() {
        for (float f : SPECIAL) {
            assertEquals(f > 0f ? -1 : 0, HostLoops.positiveMask(Float.floatToRawIntBits(f)), "for " + f);
        }
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            int bits = random.nextInt();
            assertEquals(Float.intBitsToFloat(bits) > 0f ? -1 : 0, HostLoops.positiveMask(bits), () -> "bits " + bits);
        }
    }

    @Test
    void reluAndBiasReluAreMaxWithZeroAndKeepNaN() {
        int rows = 5;
        int cols = 40;
        float[] z = values(rows * cols, 3);
        INDArray zArr = Nd4j.create(z, new long[] {rows, cols}, 'f');
        INDArray bias = Nd4j.linspace(DataType.FLOAT, -2, 0.1, cols);
        HostLoops.addBiasColumnMajor(zArr, bias, true);
        float[] out = zArr.dup('f').data().asFloat();
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                float expected = Math.max(z[r + rows * c] + bias.getFloat(c), 0f);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[r + rows * c]));
            }
        }
        INDArray x = Nd4j.createFromArray(values(5_000, 4));
        float[] before = x.toFloatVector();
        HostLoops.relu(x, 0, 5_000);
        float[] after = x.toFloatVector();
        for (int i = 0; i < before.length; i++) {
            assertEquals(Float.isNaN(before[i]) || before[i] > 0f ? before[i] : 0f, after[i], 0f, "at " + i);
        }
    }
}
