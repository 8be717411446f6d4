package io.orrery.core.layers;

import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.ref.Reference;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

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
        if (a.dataType() != c.dataType() || b.dataType() != c.dataType()) {
            throw new IllegalArgumentException("gemm: expected operands of one type, received " + a.dataType() + ", "
                    + b.dataType() + " and " + c.dataType());
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
        // the buffers' addresses do not keep the arrays' memory alive: they must be reachable until BLAS returns
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(b);
        Reference.reachabilityFence(c);
    }

    /**
     * {@code c = op(a) @ op(b) + beta * c}, as {@code Nd4j.gemm(a, b, c, transA, transB, 1, beta)}, for 2-D arrays
     * each laid out column-major or row-major with a leading dimension (views of columns or rows of a flat buffer
     * included) and {@code c} column-major; anything else goes to {@code Nd4j.gemm}. The same OpenBLAS routine on the
     * same operands, so the same numbers, without the op's per-call cost.
     */
    static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double beta) {
        if (!CPU || !columnMajor(c) || !strided(a) || !strided(b) || a.dataType() != c.dataType()
                || b.dataType() != c.dataType() || (c.dataType() != DataType.FLOAT && c.dataType() != DataType.DOUBLE)) {
            Nd4j.gemm(a, b, c, transA, transB, 1.0, beta);
            return;
        }
        // column-major C (m, n) = op(A) op(B) is row-major C^T (n, m) = op(B)^T op(A)^T; a column-major operand
        // read row-major is its own transpose, so its flag flips
        int m = (int) c.size(0);
        int n = (int) c.size(1);
        int k = (int) (transA ? a.size(0) : a.size(1));
        gemm(columnMajor(b) == transB, columnMajor(a) == transA, n, m, k, b, 0, lead(b), a, 0, lead(a), beta,
                c, 0, (int) c.stride(1));
    }

    private static boolean columnMajor(INDArray x) {
        return x.rank() == 2 && x.stride(0) == 1 && x.stride(1) >= Math.max(1, x.size(0));
    }

    private static boolean rowMajor(INDArray x) {
        return x.rank() == 2 && x.stride(1) == 1 && x.stride(0) >= Math.max(1, x.size(1));
    }

    private static boolean strided(INDArray x) {
        return columnMajor(x) || rowMajor(x);
    }

    private static int lead(INDArray x) {
        return (int) (columnMajor(x) ? x.stride(1) : x.stride(0));
    }

    /**
     * Element {@code off} of the array as a direct buffer positioned there (JavaCPP passes its address plus its
     * position): the same addressing as {@link HostCopy}, whatever view of a larger buffer the array is. A fresh
     * buffer object per call, so threads never share a position.
     */
    private static FloatBuffer floats(INDArray a, long off) {
        return a.data().asNioFloat().position((int) (a.offset() + off));
    }

    private static DoubleBuffer doubles(INDArray a, long off) {
        return a.data().asNioDouble().position((int) (a.offset() + off));
    }

    private static INDArray view(INDArray a, long off, int rows, int cols, int ld) {
        return Nd4j.create(a.data(), new long[]{rows, cols}, new long[]{ld, 1}, a.offset() + off, 'c', a.dataType());
    }
}
