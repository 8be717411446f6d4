package io.orrery.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;

/**
 * Small fused loops of the training path run in Java over host memory: each replaces three or four ND4J ops
 * (and their temporaries) on [batch, units] arrays, where per-op overhead dominates the arithmetic.
 * Used only for contiguous float32 arrays on the CPU backend; everything else takes the ND4J-op path.
 */
final class HostLoops {

    private static final boolean CPU_BACKEND = detectCpu();
    private static final int BLOCK = 4096;
    private static final ThreadLocal<float[][]> BLOCKS = ThreadLocal.withInitial(() -> new float[2][BLOCK]);
    private static final ThreadLocal<int[][]> INT_BLOCKS = ThreadLocal.withInitial(() -> new int[2][BLOCK]);

    private HostLoops() {
    }

    private static boolean detectCpu() {
        try {
            return Nd4j.getEnvironment().isCPU() && !Boolean.getBoolean("orrery.layers.noHostLoops");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether the arrays are contiguous float32 host buffers of one shape and ordering. */
    static boolean usable(INDArray a, INDArray b) {
        return CPU_BACKEND && usable(a) && usable(b) && a.ordering() == b.ordering() && a.length() == b.length()
                && Arrays.equals(a.shape(), b.shape());
    }

    static boolean usable(INDArray a) {
        return CPU_BACKEND && a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1 && !a.isView()
                && a.length() < Integer.MAX_VALUE;
    }

    /** {@code grad *= (a > 0)}: the ReLU derivative applied in place, one pass. */
    static void reluBackward(INDArray a, INDArray grad) {
        reluBackward(a, grad, 0, (int) a.length());
    }

    /**
     * As {@link #reluBackward(INDArray, INDArray)} on elements {@code [from, from + n)} of each array's buffer (past
     * its offset): one part of a batch split over threads.
     */
    static void reluBackward(INDArray a, INDArray grad, int from, int n) {
        // On the float bits, without a branch: the sign of a is random, and a branch per element mispredicted
        // half the time (4-20 ns per element measured, against under 1 ns for this loop, which C2 vectorises).
        IntBuffer av = a.data().asNio().order(ByteOrder.nativeOrder()).asIntBuffer();
        IntBuffer gv = grad.data().asNio().order(ByteOrder.nativeOrder()).asIntBuffer();
        int aOff = (int) a.offset() + from;
        int gOff = (int) grad.offset() + from;
        int[][] blocks = INT_BLOCKS.get();
        int[] ab = blocks[0];
        int[] gb = blocks[1];
        for (int base = 0; base < n; base += BLOCK) {
            int len = Math.min(BLOCK, n - base);
            av.get(aOff + base, ab, 0, len);
            gv.get(gOff + base, gb, 0, len);
            for (int i = 0; i < len; i++) {
                gb[i] &= positiveMask(ab[i]);
            }
            gv.put(gOff + base, gb, 0, len);
        }
    }

    /**
     * All ones when the float with these bits is {@code > 0} (+Inf included), else zero (zeros, negatives, NaN): both
     * {@code 0x7f800000 - bits} and {@code bits - 1} are non-negative exactly for bits in {@code [1, 0x7f800000]}.
     */
    static int positiveMask(int bits) {
        return ~(((0x7f800000 - bits) | (bits - 1)) >> 31);
    }

    /** {@code max(x, 0)} in place on elements {@code [from, from + n)} of a contiguous float32 array. */
    static void relu(INDArray a, int from, int n) {
        FloatBuffer av = a.data().asNioFloat();
        int off = (int) a.offset() + from;
        float[] b = BLOCKS.get()[0];
        for (int base = 0; base < n; base += BLOCK) {
            int len = Math.min(BLOCK, n - base);
            av.get(off + base, b, 0, len);
            for (int i = 0; i < len; i++) {
                b[i] = Math.max(b[i], 0f); // NaN stays NaN; no branch to mispredict, and C2 vectorises it
            }
            av.put(off + base, b, 0, len);
        }
    }

    /** Softmax of each row of a column-major [batch, classes] array, in place. */
    static void softmaxRowsColumnMajor(INDArray z) {
        int rows = (int) z.size(0);
        int cols = (int) z.size(1);
        int n = rows * cols;
        FloatBuffer zv = z.data().asNioFloat();
        int off = (int) z.offset();
        float[] v = n <= BLOCK ? BLOCKS.get()[0] : new float[n];
        zv.get(off, v, 0, n);
        for (int r = 0; r < rows; r++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, v[r + rows * c]);
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                float e = (float) Math.exp(v[r + rows * c] - max);
                v[r + rows * c] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int c = 0; c < cols; c++) {
                v[r + rows * c] *= inv;
            }
        }
        zv.put(off, v, 0, n);
    }

    /** Whether {@code v} is a contiguous float32 vector in host memory (a view into a flat buffer is fine). */
    static boolean usableVector(INDArray v) {
        return CPU_BACKEND && v.dataType() == DataType.FLOAT && v.elementWiseStride() == 1 && v.rank() <= 2
                && v.length() < Integer.MAX_VALUE;
    }

    /**
     * {@code z += bias} on every row of a column-major [batch, units] array, then ReLU if asked: one pass instead of
     * a broadcast op and an activation op (each column of z is contiguous, so each adds one bias value).
     */
    static void addBiasColumnMajor(INDArray z, INDArray bias, boolean relu) {
        addBiasColumnMajor(z, bias, relu, 0, (int) z.size(1));
    }

    /** As {@link #addBiasColumnMajor(INDArray, INDArray, boolean)} on columns {@code [c0, c1)} only. */
    static void addBiasColumnMajor(INDArray z, INDArray bias, boolean relu, int c0, int c1) {
        int rows = (int) z.size(0);
        FloatBuffer zv = z.data().asNioFloat();
        FloatBuffer bv = bias.data().asNioFloat();
        int zOff = (int) z.offset();
        int bOff = (int) bias.offset();
        float[] col = rows <= BLOCK ? BLOCKS.get()[0] : new float[rows];
        for (int c = c0; c < c1; c++) {
            float b = bv.get(bOff + c);
            int base = zOff + c * rows;
            zv.get(base, col, 0, rows);
            if (relu) {
                for (int r = 0; r < rows; r++) {
                    // NaN stays NaN, so bad inputs still show in the loss; branch-free, as in relu()
                    col[r] = Math.max(col[r] + b, 0f);
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    col[r] += b;
                }
            }
            zv.put(base, col, 0, rows);
        }
    }

    /** {@code out[c] = sum over rows of g[r, c]} for a column-major [batch, units] g: the bias gradient. */
    static void columnSumsColumnMajor(INDArray g, INDArray out) {
        columnSumsColumnMajor(g, out, 0, (int) g.size(1));
    }

    /** As {@link #columnSumsColumnMajor(INDArray, INDArray)} for columns {@code [c0, c1)} only. */
    static void columnSumsColumnMajor(INDArray g, INDArray out, int c0, int c1) {
        int rows = (int) g.size(0);
        FloatBuffer gv = g.data().asNioFloat();
        FloatBuffer ov = out.data().asNioFloat();
        int gOff = (int) g.offset();
        int oOff = (int) out.offset();
        float[] col = rows <= BLOCK ? BLOCKS.get()[0] : new float[rows];
        for (int c = c0; c < c1; c++) {
            gv.get(gOff + c * rows, col, 0, rows);
            float sum = 0f;
            for (int r = 0; r < rows; r++) {
                sum += col[r];
            }
            ov.put(oOff + c, sum);
        }
    }
}
