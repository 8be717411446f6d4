package io.orrery.core.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

import static io.orrery.core.tensor.ArrayOps.unbroadcast;
import static io.orrery.core.tensor.Recording.record;

/** Matrix products, plain and batched, as {@code tf.linalg.matmul}. */
final class LinearAlgebra {

    private LinearAlgebra() {
    }

    /**
     * {@code [..., m, k] x [..., k, n] -> [..., m, n]}; the leading (batch) axes broadcast as NumPy does, so a
     * rank-2 operand is shared by every batch entry of the other.
     */
    static Tensor matmul(Tensor a, Tensor b) {
        long[] as = a.shape();
        long[] bs = b.shape();
        if (as.length < 2 || bs.length < 2 || as[as.length - 1] != bs[bs.length - 2]) {
            throw new IllegalArgumentException("matmul expects [..., m, k] x [..., k, n] (rank 2 or more, inner sizes equal), found "
                    + Arrays.toString(as) + " x " + Arrays.toString(bs));
        }
        if (as.length == 2 && bs.length == 2) {
            return matmul2(a, b, false, false);
        }
        long[] batchA = Arrays.copyOf(as, as.length - 2);
        long[] batchB = Arrays.copyOf(bs, bs.length - 2);
        long[] batch = Shapes.broadcastShape(batchA, batchB);
        if (batch == null) {
            throw new IllegalArgumentException("matmul: batch shapes " + Arrays.toString(batchA) + " of " + Arrays.toString(as)
                    + " and " + Arrays.toString(batchB) + " of " + Arrays.toString(bs) + " cannot be broadcast together");
        }
        long m = as[as.length - 2];
        long k = as[as.length - 1];
        long n = bs[bs.length - 1];
        long count = Arrays.stream(batch).reduce(1, (x, y) -> x * y);
        INDArray a3 = Shapes.expand(a.array(), concat(batch, m, k)).dup('c').reshape(count, m, k);
        INDArray b3 = Shapes.expand(b.array(), concat(batch, k, n)).dup('c').reshape(count, k, n);
        INDArray out = Nd4j.create(a.dataType(), count, m, n);
        for (long i = 0; i < count; i++) {
            out.slice(i).assign(a3.slice(i).mmul(b3.slice(i)));
        }
        INDArray v = out.reshape(concat(batch, m, n));
        return record(v, new Tensor[]{a, b}, g -> new Tensor[]{
                unbroadcast(matmul(g, transposeLast(b)), as),
                unbroadcast(matmul(transposeLast(a), g), bs)});
    }

    /** {@link #matmul} of {@code a} or its transpose by {@code b} or its transpose (the last two axes). */
    static Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        if (a.rank() == 2 && b.rank() == 2) {
            return matmul2(a, b, transposeA, transposeB);
        }
        return matmul(transposeA ? transposeLast(a) : a, transposeB ? transposeLast(b) : b);
    }

    /**
     * {@code op(a) @ op(b)} for rank-2 tensors, {@code op} transposing when asked, by one GEMM into a column-major
     * result, several times faster in ND4J 1.0.0-M2.1 than {@code mmul}'s row-major one; no transposed copy is
     * made. The gradients are products of the same kind, so they are fast too and differentiate again.
     */
    private static Tensor matmul2(Tensor a, Tensor b, boolean transA, boolean transB) {
        long[] as = a.shape();
        long[] bs = b.shape();
        long m = transA ? as[1] : as[0];
        long k = transA ? as[0] : as[1];
        long kb = transB ? bs[1] : bs[0];
        long n = transB ? bs[0] : bs[1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul expects [m, k] x [k, n] (after transposes " + transA + ", " + transB
                    + "), found " + Arrays.toString(as) + " x " + Arrays.toString(bs) + "; the inner sizes must be equal");
        }
        INDArray c = Nd4j.createUninitialized(a.dataType(), new long[]{m, n}, 'f');
        Nd4j.gemm(a.array(), b.array(), c, transA, transB, 1.0, 0.0);
        return record(c, new Tensor[]{a, b}, g -> {
            if (!transA && !transB) {
                return new Tensor[]{matmul2(g, b, false, true), matmul2(a, g, true, false)};
            } else if (!transA) {
                return new Tensor[]{matmul2(g, b, false, false), matmul2(g, a, true, false)};
            } else if (!transB) {
                return new Tensor[]{matmul2(b, g, false, true), matmul2(a, g, false, false)};
            }
            return new Tensor[]{matmul2(b, g, true, true), matmul2(g, a, true, true)};
        });
    }

    /** Swaps the last two axes. */
    static Tensor transposeLast(Tensor a) {
        int rank = a.rank();
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[rank - 2] = rank - 1;
        perm[rank - 1] = rank - 2;
        return ArrayOps.transpose(a, perm);
    }

    private static long[] concat(long[] head, long... tail) {
        long[] out = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }
}
