package io.orrery.core.layers;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Row-major GEMM on regions of contiguous ND4J buffers: {@code C = op(A) @ op(B) + beta * C}, each operand given by
 * its array, an element offset into it and a leading dimension. On the CPU backend it calls the OpenBLAS that ND4J
 * loaded, straight through CBLAS: {@code Nd4j.gemm} on views builds an op and its shape buffers per call (tens of
 * microseconds, allocations), which the convolution's many cache-sized products cannot afford. Elsewhere it falls
 * back to {@code Nd4j.gemm} on views of the same regions.
 */
final class Blas {

    private static final boolean CPU = cpuBackend();

    private Blas() {
    }

    private static boolean cpuBackend() {
        try {
            return Nd4j.getEnvironment().isCPU();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * {@code C (m, n) = op(A) (m, k) @ op(B) (k, n) + beta * C}, all row-major; {@code A} is stored {@code (m, k)}
     * (or {@code (k, m)} when {@code transA}) with row stride {@code lda}, likewise {@code B}, and {@code C} with
     * row stride {@code ldc}. Offsets count elements past each array's own offset. Float32 or float64, all one type.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, INDArray a, long aOff, int lda,
                     INDArray b, long bOff, int ldb, double beta, INDArray c, long cOff, int ldc) {
        if (!CPU) {
            INDArray av = view(a, aOff, transA ? k : m, transA ? m : k, lda);
            INDArray bv = view(b, bOff, transB ? n : k, transB ? k : n, ldb);
            Nd4j.gemm(av, bv, view(c, cOff, m, n, ldc), transA, transB, 1.0, beta);
            return;
        }
        int ta = transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        if (c.dataType() == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, 1f,
                    floats(a, aOff), lda, floats(b, bOff), ldb, (float) beta, floats(c, cOff), ldc);
        } else {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, 1.0,
                    doubles(a, aOff), lda, doubles(b, bOff), ldb, beta, doubles(c, cOff), ldc);
        }
    }

    private static FloatPointer floats(INDArray a, long off) {
        return new FloatPointer(a.data().addressPointer()).position(a.offset() + off);
    }

    private static DoublePointer doubles(INDArray a, long off) {
        return new DoublePointer(a.data().addressPointer()).position(a.offset() + off);
    }

    private static INDArray view(INDArray a, long off, int rows, int cols, int ld) {
        return Nd4j.create(a.data(), new long[]{rows, cols}, new long[]{ld, 1}, a.offset() + off, 'c', a.dataType());
    }
}
