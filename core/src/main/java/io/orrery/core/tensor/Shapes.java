package io.orrery.core.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/** Shape arithmetic shared by the operation files: broadcasting, axes, reshape targets. */
final class Shapes {

    private Shapes() {
    }

    /** NumPy's broadcast of two shapes, or null when they do not broadcast. */
    static long[] broadcastShape(long[] a, long[] b) {
        int n = Math.max(a.length, b.length);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long da = i < n - a.length ? 1 : a[i - (n - a.length)];
            long db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    static long[] checkBroadcastable(Tensor a, Tensor b, String op) {
        long[] shape = broadcastShape(a.shape(), b.shape());
        if (shape == null) {
            throw new IllegalArgumentException("operation '" + op + "': shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " cannot be broadcast together (each axis must match or be 1)");
        }
        return shape;
    }

    /** Materializes the broadcast of {@code x} to {@code target} (ND4J broadcasts only some shape pairs itself). */
    static INDArray expand(INDArray x, long[] target) {
        if (Arrays.equals(x.shape(), target)) {
            return x;
        }
        long[] padded = new long[target.length];
        Arrays.fill(padded, 1);
        System.arraycopy(x.shape(), 0, padded, target.length - x.rank(), x.rank());
        return x.reshape(padded).broadcast(target);
    }

    /** One axis, negative counting from the end, checked against the rank. */
    static int axis(int axis, int rank, String op) {
        int ax = axis < 0 ? axis + rank : axis;
        if (ax < 0 || ax >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for a tensor of rank " + rank
                    + "; expected an axis in [" + (-rank) + ", " + rank + ")");
        }
        return ax;
    }

    /** Axes normalized to [0, rank); no axes at all means every axis, as {@code tf.reduce_sum(x)}. */
    static int[] reductionAxes(int[] axes, int rank, String op) {
        if (axes == null || axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axis(axes[i], rank, op);
            for (int j = 0; j < i; j++) {
                if (out[j] == out[i]) {
                    throw new IllegalArgumentException(op + ": axis " + axes[i] + " given twice in " + Arrays.toString(axes));
                }
            }
        }
        return out;
    }

    /** The shape a reduction over {@code axes} keeps with keepDims: those axes set to 1. */
    static long[] keptShape(long[] shape, int[] axes) {
        long[] out = shape.clone();
        for (int ax : axes) {
            out[ax] = 1;
        }
        return out;
    }

    static long[] dropAxes(long[] shape, int[] axes) {
        long[] out = new long[shape.length - axes.length];
        int k = 0;
        outer:
        for (int i = 0; i < shape.length; i++) {
            for (int ax : axes) {
                if (ax == i) {
                    continue outer;
                }
            }
            out[k++] = shape[i];
        }
        return out;
    }

    static long count(long[] shape, int[] axes) {
        long n = 1;
        for (int ax : axes) {
            n *= shape[ax];
        }
        return n;
    }

    static long[] ones(int n) {
        long[] s = new long[n];
        Arrays.fill(s, 1);
        return s;
    }

    static int[] reversedAxes(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = rank - 1 - i;
        }
        return p;
    }

    /** Checks that {@code perm} is a permutation of [0, rank) and returns its inverse. */
    static int[] inversePermutation(int[] perm, int rank) {
        if (perm.length != rank) {
            throw new IllegalArgumentException("transpose: a permutation of " + rank + " axes was expected, found "
                    + Arrays.toString(perm));
        }
        int[] inv = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int p = perm[i];
            if (p < 0 || p >= rank || seen[p]) {
                throw new IllegalArgumentException("transpose: expected a permutation of 0.." + (rank - 1) + ", found "
                        + Arrays.toString(perm));
            }
            seen[p] = true;
            inv[p] = i;
        }
        return inv;
    }

    static long[] resolveShape(long[] shape, long length, long[] from) {
        long known = 1;
        int unknown = -1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("reshape: at most one -1 allowed, found " + Arrays.toString(shape));
                }
                unknown = i;
            } else {
                known *= shape[i];
            }
        }
        long[] out = shape.clone();
        if (unknown >= 0) {
            out[unknown] = known == 0 ? 0 : length / known;
            known *= out[unknown];
        }
        if (known != length) {
            throw new IllegalArgumentException("reshape: cannot reshape " + Arrays.toString(from) + " (" + length
                    + " elements) to " + Arrays.toString(shape));
        }
        return out;
    }
}
