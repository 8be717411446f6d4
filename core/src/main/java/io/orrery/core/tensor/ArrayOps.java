package io.orrery.core.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

import static io.orrery.core.tensor.Recording.record;

/**
 * Operations that move values without computing new ones: reshapes, transposes, broadcasting, joining, splitting,
 * slicing and padding ({@link Gathering} has gather and tile). Each is linear, so each gradient rule is another
 * operation of this file (the adjoint: slice and pad, slice and strided scatter), and gradients of gradients follow.
 */
final class ArrayOps {

    private ArrayOps() {
    }

    /** Reshapes (row-major semantics, as NumPy); one dimension may be -1. */
    static Tensor reshape(Tensor a, long... shape) {
        long[] from = a.shape();
        long[] to = Shapes.resolveShape(shape, a.array().length(), from);
        if (Arrays.equals(from, to)) {
            return a;
        }
        INDArray v = Recording.ownedView(a, a.array().reshape('c', to));
        return record(v, new Tensor[]{a}, g -> new Tensor[]{reshape(g, from)});
    }

    /** Reverses the axes (for rank 2, the matrix transpose). */
    static Tensor transpose(Tensor a) {
        return transpose(a, Shapes.reversedAxes(a.rank()));
    }

    /** Permutes the axes: output axis {@code i} is input axis {@code perm[i]}, as {@code tf.transpose(a, perm)}. */
    static Tensor transpose(Tensor a, int... perm) {
        int[] inverse = Shapes.inversePermutation(perm, a.rank());
        INDArray v = a.array().permute(perm).dup('c');
        return record(v, new Tensor[]{a}, g -> new Tensor[]{transpose(g, inverse)});
    }

    /** Inserts an axis of size 1 at {@code axis} (in [-rank-1, rank]), as {@code tf.expand_dims}. */
    static Tensor expandDims(Tensor a, int axis) {
        int rank = a.rank();
        int ax = Shapes.axis(axis, rank + 1, "expandDims");
        long[] shape = new long[rank + 1];
        for (int i = 0, k = 0; i <= rank; i++) {
            shape[i] = i == ax ? 1 : a.shape()[k++];
        }
        return reshape(a, shape);
    }

    /** Removes the given axes of size 1, or every axis of size 1 when none are given, as {@code tf.squeeze}. */
    static Tensor squeeze(Tensor a, int... axes) {
        long[] shape = a.shape();
        boolean[] drop = new boolean[shape.length];
        if (axes.length == 0) {
            for (int i = 0; i < shape.length; i++) {
                drop[i] = shape[i] == 1;
            }
        } else {
            for (int axis : axes) {
                int ax = Shapes.axis(axis, shape.length, "squeeze");
                if (shape[ax] != 1) {
                    throw new IllegalArgumentException("squeeze: axis " + axis + " of shape " + Arrays.toString(shape)
                            + " has size " + shape[ax] + "; only axes of size 1 can be squeezed");
                }
                drop[ax] = true;
            }
        }
        return reshape(a, Arrays.stream(indices(shape.length)).filter(i -> !drop[i]).mapToLong(i -> shape[i]).toArray());
    }

    /** Repeats a tensor along axes of size 1 (or missing leading axes) to the given shape. */
    static Tensor broadcastTo(Tensor a, long... shape) {
        if (Arrays.equals(a.shape(), shape)) {
            return a;
        }
        long[] check = Shapes.broadcastShape(a.shape(), shape);
        if (check == null || !Arrays.equals(check, shape)) {
            throw new IllegalArgumentException("broadcastTo: shape " + Arrays.toString(a.shape()) + " cannot be broadcast to "
                    + Arrays.toString(shape) + " (each axis must match or be 1)");
        }
        INDArray v = Nd4j.zeros(a.dataType(), shape).addi(Shapes.expand(a.array(), shape));
        return record(v, new Tensor[]{a}, g -> new Tensor[]{unbroadcast(g, a.shape())});
    }

    /** Sums a gradient back to the shape of an operand that was broadcast. */
    static Tensor unbroadcast(Tensor g, long[] shape) {
        long[] gs = g.shape();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        int lead = gs.length - shape.length;
        int[] axes = new int[gs.length];
        int n = 0;
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) {
                axes[n++] = i;
            }
        }
        Tensor summed = n == 0 ? g : Reductions.sum(g, true, Arrays.copyOf(axes, n));
        return reshape(summed, shape);
    }

    // ---------------------------------------------------------------- joining and splitting

    /** Joins tensors along an existing axis, as {@code tf.concat(values, axis)}. */
    static Tensor concat(Tensor[] values, int axis) {
        if (values.length == 0) {
            throw new IllegalArgumentException("concat: expected at least one tensor, found none");
        }
        int rank = values[0].rank();
        int ax = Shapes.axis(axis, rank, "concat");
        long[] sizes = new long[values.length];
        INDArray[] arrays = new INDArray[values.length];
        for (int i = 0; i < values.length; i++) {
            long[] s = values[i].shape();
            long[] s0 = values[0].shape();
            boolean fits = s.length == rank;
            for (int d = 0; fits && d < rank; d++) {
                fits = d == ax || s[d] == s0[d];
            }
            if (!fits) {
                throw new IllegalArgumentException("concat on axis " + axis + ": tensor " + i + " has shape " + Arrays.toString(s)
                        + ", expected rank " + rank + " and the sizes of " + Arrays.toString(s0) + " except on that axis");
            }
            sizes[i] = s[ax];
            arrays[i] = values[i].array();
        }
        if (values.length == 1) {
            return values[0];
        }
        INDArray v = Nd4j.concat(ax, arrays);
        return record(v, values.clone(), g -> {
            Tensor[] grads = new Tensor[values.length];
            long start = 0;
            for (int i = 0; i < values.length; i++) {
                grads[i] = sliceAxis(g, ax, start, sizes[i]);
                start += sizes[i];
            }
            return grads;
        });
    }

    /** Joins tensors of one shape along a new axis, as {@code tf.stack(values, axis)}. */
    static Tensor stack(Tensor[] values, int axis) {
        if (values.length == 0) {
            throw new IllegalArgumentException("stack: expected at least one tensor, found none");
        }
        Tensor[] expanded = new Tensor[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!Arrays.equals(values[i].shape(), values[0].shape())) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + Arrays.toString(values[i].shape())
                        + ", expected the shape of tensor 0, " + Arrays.toString(values[0].shape()));
            }
            expanded[i] = expandDims(values[i], axis);
        }
        return concat(expanded, axis);
    }

    /** Splits into pieces of the given sizes along an axis, as {@code tf.split(value, sizes, axis)}. */
    static Tensor[] split(Tensor a, long[] sizes, int axis) {
        int ax = Shapes.axis(axis, a.rank(), "split");
        long total = Arrays.stream(sizes).sum();
        if (total != a.shape()[ax] || Arrays.stream(sizes).anyMatch(s -> s < 0)) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " must be non-negative and add up to "
                    + a.shape()[ax] + ", the size of axis " + axis + " of shape " + Arrays.toString(a.shape()));
        }
        Tensor[] out = new Tensor[sizes.length];
        long start = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = sliceAxis(a, ax, start, sizes[i]);
            start += sizes[i];
        }
        return out;
    }

    /** Splits into {@code count} equal pieces along an axis, as {@code tf.split(value, count, axis)}. */
    static Tensor[] split(Tensor a, int count, int axis) {
        int ax = Shapes.axis(axis, a.rank(), "split");
        long n = a.shape()[ax];
        if (count <= 0 || n % count != 0) {
            throw new IllegalArgumentException("split: axis " + axis + " of shape " + Arrays.toString(a.shape()) + " has size " + n
                    + ", which cannot be split into " + count + " equal pieces");
        }
        long[] sizes = new long[count];
        Arrays.fill(sizes, n / count);
        return split(a, sizes, axis);
    }

    // ---------------------------------------------------------------- slicing

    /** {@code size} elements from {@code begin} on each axis (size -1: to the end), as {@code tf.slice}. */
    static Tensor slice(Tensor a, long[] begin, long[] size) {
        long[] shape = a.shape();
        if (begin.length != shape.length || size.length != shape.length) {
            throw new IllegalArgumentException("slice: begin " + Arrays.toString(begin) + " and size " + Arrays.toString(size)
                    + " need one entry per axis of shape " + Arrays.toString(shape));
        }
        long[] end = new long[shape.length];
        long[] strides = Shapes.ones(shape.length);
        for (int d = 0; d < shape.length; d++) {
            end[d] = size[d] == -1 ? shape[d] : begin[d] + size[d];
            if (begin[d] < 0 || size[d] < -1 || end[d] > shape[d]) {
                throw new IllegalArgumentException("slice: axis " + d + " of shape " + Arrays.toString(shape) + " has size " + shape[d]
                        + ", which cannot give " + size[d] + " elements from " + begin[d]
                        + "; expected 0 <= begin and begin + size <= size of the axis (size -1: to the end)");
            }
        }
        return stridedSlice(a, begin, end, strides);
    }

    /**
     * Elements {@code begin[d], begin[d] + strides[d], ...} up to but excluding {@code end[d]} on each axis, as
     * {@code tf.strided_slice} (or Python's {@code a[b0:e0:s0, ...]}) with positive strides; negative begin and end
     * count from the end of the axis.
     */
    static Tensor stridedSlice(Tensor a, long[] begin, long[] end, long[] strides) {
        long[] shape = a.shape();
        if (begin.length != shape.length || end.length != shape.length || strides.length != shape.length) {
            throw new IllegalArgumentException("stridedSlice: begin " + Arrays.toString(begin) + ", end " + Arrays.toString(end)
                    + " and strides " + Arrays.toString(strides) + " need one entry per axis of shape " + Arrays.toString(shape));
        }
        long[] b = new long[shape.length];
        long[] e = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            b[d] = begin[d] < 0 ? begin[d] + shape[d] : begin[d];
            e[d] = end[d] < 0 ? end[d] + shape[d] : Math.min(end[d], shape[d]);
            if (strides[d] <= 0 || b[d] < 0 || b[d] > shape[d] || e[d] < b[d]) {
                throw new IllegalArgumentException("stridedSlice: axis " + d + " of size " + shape[d] + " cannot be sliced from "
                        + begin[d] + " to " + end[d] + " by " + strides[d] + "; expected 0 <= begin <= end <= size and a positive stride");
            }
        }
        INDArrayIndex[] index = index(b, e, strides);
        INDArray v = a.array().get(index).dup('c');
        return record(v, new Tensor[]{a}, g -> new Tensor[]{stridedScatter(g, shape, b, e, strides)});
    }

    /** The adjoint of {@link #stridedSlice}: {@code g} written into zeros of {@code shape} at the sliced places. */
    private static Tensor stridedScatter(Tensor g, long[] shape, long[] b, long[] e, long[] strides) {
        INDArray v = Nd4j.zeros(g.dataType(), shape);
        v.get(index(b, e, strides)).assign(g.array());
        return record(v, new Tensor[]{g}, gg -> new Tensor[]{stridedSlice(gg, b, e, strides)});
    }

    private static INDArrayIndex[] index(long[] b, long[] e, long[] strides) {
        INDArrayIndex[] index = new INDArrayIndex[b.length];
        for (int d = 0; d < b.length; d++) {
            index[d] = NDArrayIndex.interval(b[d], strides[d], e[d]);
        }
        return index;
    }

    /** {@code size} elements from {@code start} along one axis. */
    static Tensor sliceAxis(Tensor a, int axis, long start, long size) {
        long[] begin = new long[a.rank()];
        long[] sizes = a.shape();
        begin[axis] = start;
        sizes[axis] = size;
        return slice(a, begin, sizes);
    }

    /**
     * Pads with a constant, as {@code tf.pad(a, paddings, constant_values=c)}: {@code paddings[d] = {before, after}}.
     */
    static Tensor pad(Tensor a, long[][] paddings, double constant) {
        long[] shape = a.shape();
        if (paddings.length != shape.length) {
            throw new IllegalArgumentException("pad: expected one {before, after} pair per axis of shape " + Arrays.toString(shape)
                    + ", found " + paddings.length + " pairs");
        }
        long[] out = new long[shape.length];
        long[] b = new long[shape.length];
        long[] e = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            if (paddings[d].length != 2 || paddings[d][0] < 0 || paddings[d][1] < 0) {
                throw new IllegalArgumentException("pad: axis " + d + " needs a pair {before, after} of non-negative sizes, found "
                        + Arrays.toString(paddings[d]));
            }
            b[d] = paddings[d][0];
            out[d] = shape[d] + paddings[d][0] + paddings[d][1];
            e[d] = b[d] + shape[d];
        }
        long[] strides = Shapes.ones(shape.length);
        INDArray v = Nd4j.valueArrayOf(out, constant, a.dataType());
        v.get(index(b, e, strides)).assign(a.array());
        return record(v, new Tensor[]{a}, g -> new Tensor[]{stridedSlice(g, b, e, strides)});
    }

    private static int[] indices(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }
}
