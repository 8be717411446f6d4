package io.orrery.core.optimizers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Direct access to float32 vectors that live in host memory, for the fused update loops.
 *
 * <p>Why: ND4J runs each elementwise op as its own pass, and the generic nd4j-native build computes
 * {@code sqrt} at about 4 ns per element, so an RMSprop step over the reference MLP's 407,050 parameters took
 * about 2 ms of CPU. One fused Java loop over small heap blocks (which C2 vectorises) does the same step in a
 * fraction of that. Only the CPU backend keeps buffers in host memory; on CUDA, and for other data types or
 * strided views, the optimizers use their ND4J-op path instead.
 */
final class HostBuffers {

    /** Elements per heap block: small enough for L1/L2, large enough to amortise the bulk copies. */
    static final int BLOCK = 4096;

    /** Up to this many arrays take part in one fused loop. */
    static final int MAX_BLOCKS = 6;

    private static final boolean CPU_BACKEND = detectCpu();

    /** Per thread, because blocks are temporaries of one call; shards stepped on several threads never share them. */
    private static final ThreadLocal<float[][]> BLOCKS = ThreadLocal.withInitial(() -> new float[MAX_BLOCKS][BLOCK]);

    private HostBuffers() {
    }

    private static boolean detectCpu() {
        try {
            return Nd4j.getEnvironment().isCPU() && !Boolean.getBoolean("orrery.optimizers.noHostKernels");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** True when every array is a contiguous float32 vector in host memory, so the fused loop may run on it. */
    static boolean usable(INDArray... arrays) {
        if (!CPU_BACKEND) {
            return false;
        }
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || a.isEmpty() || a.elementWiseStride() != 1 || !a.isVectorOrScalar()
                    || a.data().asNio() == null) {
                return false;
            }
        }
        return true;
    }

    /** This thread's heap blocks, {@link #MAX_BLOCKS} arrays of {@link #BLOCK} floats. */
    static float[][] blocks() {
        return BLOCKS.get();
    }

    /** The formula for one block: {@code blocks[i]} holds elements {@code [base, base + len)} of array {@code i}. */
    @FunctionalInterface
    interface BlockBody {
        void run(float[][] blocks, int len);
    }

    /**
     * Runs {@code body} over {@code arrays} (equal lengths, all {@link #usable}) block by block: each block is copied
     * into this thread's heap blocks, computed, and the arrays whose bit is set in {@code writeMask} are copied back.
     */
    static void forEachBlock(INDArray[] arrays, int writeMask, BlockBody body) {
        forEachBlock(arrays, writeMask, body, 0, Math.toIntExact(arrays[0].length()));
    }

    /**
     * As {@link #forEachBlock(INDArray[], int, BlockBody)} on elements {@code [from, to)} only: one part of a step
     * split over threads (each thread has its own heap blocks).
     */
    static void forEachBlock(INDArray[] arrays, int writeMask, BlockBody body, int from, int to) {
        int k = arrays.length;
        if (k > MAX_BLOCKS) {
            throw new IllegalArgumentException("at most " + MAX_BLOCKS + " arrays per fused loop, found " + k);
        }
        float[][] blocks = blocks();
        FloatBuffer[] buffers = new FloatBuffer[k];
        int[] offsets = new int[k];
        for (int a = 0; a < k; a++) {
            buffers[a] = floats(arrays[a]);
            offsets[a] = Math.toIntExact(arrays[a].offset());
        }
        for (int base = from; base < to; base += BLOCK) {
            int len = Math.min(BLOCK, to - base);
            for (int a = 0; a < k; a++) {
                buffers[a].get(offsets[a] + base, blocks[a], 0, len);
            }
            body.run(blocks, len);
            for (int a = 0; a < k; a++) {
                if ((writeMask & (1 << a)) != 0) {
                    buffers[a].put(offsets[a] + base, blocks[a], 0, len);
                }
            }
        }
    }

    /** The whole underlying buffer; element {@code i} of {@code a} is at index {@code a.offset() + i}. */
    static FloatBuffer floats(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
