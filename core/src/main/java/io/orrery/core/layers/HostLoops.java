package io.orrery.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * Small fused loops of the training path run in Java over host memory: each replaces three or four ND4J ops
 * (and their temporaries) on [batch, units] arrays, where per-op overhead dominates the arithmetic.
 * Used only for contiguous float32 arrays on the CPU backend; everything else takes the ND4J-op path.
 */
final class HostLoops {

    private static final boolean CPU_BACKEND = detectCpu();
    private static final int BLOCK = 4096;
    private static final ThreadLocal<float[][]> BLOCKS = ThreadLocal.withInitial(() -> new float[2][BLOCK]);

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
                && java.util.Arrays.equals(a.shape(), b.shape());
    }

    static boolean usable(INDArray a) {
        return CPU_BACKEND && a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1 && !a.isView()
                && a.length() < Integer.MAX_VALUE;
    }

    /** {@code grad *= (a > 0)}: the ReLU derivative applied in place, one pass. */
    static void reluBackward(INDArray a, INDArray grad) {
        FloatBuffer av = a.data().asNioFloat();
        FloatBuffer gv = grad.data().asNioFloat();
        int aOff = (int) a.offset();
        int gOff = (int) grad.offset();
        int n = (int) a.length();
        float[][] blocks = BLOCKS.get();
        float[] ab = blocks[0];
        float[] gb = blocks[1];
        for (int base = 0; base < n; base += BLOCK) {
            int len = Math.min(BLOCK, n - base);
            av.get(aOff + base, ab, 0, len);
            gv.get(gOff + base, gb, 0, len);
            for (int i = 0; i < len; i++) {
                gb[i] = ab[i] > 0f ? gb[i] : 0f;
            }
            gv.put(gOff + base, gb, 0, len);
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
}
