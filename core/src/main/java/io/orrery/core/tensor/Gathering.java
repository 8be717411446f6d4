package io.orrery.core.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

import static io.orrery.core.tensor.Recording.record;

/**
 * Gathering by index and tiling. Gather's adjoint adds rows back where they came from (a scatter-add whose own
 * gradient is the gather again); tile's gradient sums the tiles through a reshape. So both differentiate twice.
 */
final class Gathering {

    private Gathering() {
    }

    /**
     * Picks slices along {@code axis} by index, as {@code tf.gather(params, indices, axis)}: the output shape is
     * {@code params.shape[:axis] + indices.shape + params.shape[axis+1:]}. Indices are integers (any numeric type).
     */
    static Tensor gather(Tensor params, INDArray indices, int axis) {
        long[] shape = params.shape();
        int ax = Shapes.axis(axis, shape.length, "gather");
        int[] idx = indexValues(indices, shape[ax]);
        int[] front = new int[shape.length];
        front[0] = ax;
        for (int d = 0, k = 1; d < shape.length; d++) {
            if (d != ax) {
                front[k++] = d;
            }
        }
        Tensor moved = ax == 0 ? params : ArrayOps.transpose(params, front);
        long rest = params.array().length() / shape[ax];
        Tensor rows = gatherRows(ArrayOps.reshape(moved, shape[ax], rest), idx);
        long[] gathered = new long[indices.rank() + shape.length - 1];
        System.arraycopy(indices.shape(), 0, gathered, 0, indices.rank());
        for (int d = 1; d < shape.length; d++) {
            gathered[indices.rank() + d - 1] = moved.shape()[d];
        }
        Tensor out = ArrayOps.reshape(rows, gathered);
        if (ax == 0) {
            return out;
        }
        // axes now: indices' axes, then params' axes other than ax in order; put params' leading axes first
        int ir = indices.rank();
        int[] back = new int[gathered.length];
        int k = 0;
        for (int d = 0; d < ax; d++) {
            back[k++] = ir + d;
        }
        for (int d = 0; d < ir; d++) {
            back[k++] = d;
        }
        for (int d = ax; d < shape.length - 1; d++) {
            back[k++] = ir + d;
        }
        return ArrayOps.transpose(out, back);
    }

    /**
     * Rows {@code idx} of a matrix, copied on this thread by {@link RowGather} (an embedding lookup picks thousands of
     * rows a step; ND4J's pullRows would wake libgomp's spinning worker); the adjoint adds gradient rows back into the
     * rows they came from.
     */
    private static Tensor gatherRows(Tensor m, int[] idx) {
        long n = m.shape()[0];
        INDArray v;
        if (idx.length == 0) {
            v = Nd4j.create(m.dataType(), 0, m.shape()[1]);
        } else {
            v = Nd4j.createUninitialized(m.dataType(), new long[]{idx.length, m.shape()[1]}, 'c');
            new RowGather().gather(m.array(), idx, v);
        }
        return record(v, new Tensor[]{m}, g -> new Tensor[]{scatterAddRows(g, idx, n)});
    }

    /** {@code out[idx[i], :] += g[i, :]} into zeros of {@code n} rows, summed on the host in double precision. */
    private static Tensor scatterAddRows(Tensor g, int[] idx, long n) {
        int width = (int) g.shape()[1];
        double[] gv = g.array().dup('c').reshape('c', new long[]{(long) idx.length * width}).toDoubleVector();
        double[] out = new double[(int) (n * width)];
        for (int i = 0; i < idx.length; i++) {
            int dst = idx[i] * width;
            int src = i * width;
            for (int k = 0; k < width; k++) {
                out[dst + k] += gv[src + k];
            }
        }
        INDArray v = Nd4j.create(out, new long[]{n, width}, 'c').castTo(g.dataType());
        return record(v, new Tensor[]{g}, gg -> new Tensor[]{gatherRows(gg, idx)});
    }

    private static int[] indexValues(INDArray indices, long size) {
        // one bulk copy to the host: reading element by element costs a native call each
        double[] values = indices.dup('c').reshape('c', new long[]{indices.length()}).toDoubleVector();
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) {
            double d = values[i];
            if (d != Math.rint(d) || d < 0 || d >= size) {
                throw new IllegalArgumentException("gather: index " + d + " at position " + i + " is not an integer in [0, "
                        + size + "), the range of the gathered axis");
            }
            out[i] = (int) d;
        }
        return out;
    }

    /** Repeats the whole tensor {@code multiples[d]} times along each axis, as {@code tf.tile}. */
    static Tensor tile(Tensor a, long... multiples) {
        long[] shape = a.shape();
        if (multiples.length != shape.length || Arrays.stream(multiples).anyMatch(m -> m < 1)) {
            throw new IllegalArgumentException("tile: expected one positive multiple per axis of shape " + Arrays.toString(shape)
                    + ", found " + Arrays.toString(multiples));
        }
        int[] reps = Arrays.stream(multiples).mapToInt(m -> (int) m).toArray();
        INDArray v = Nd4j.tile(a.array(), reps);
        // gradient: view g as [m0, s0, m1, s1, ...] and sum over the m axes
        long[] split = new long[2 * shape.length];
        int[] mAxes = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            split[2 * d] = multiples[d];
            split[2 * d + 1] = shape[d];
            mAxes[d] = 2 * d;
        }
        return record(v, new Tensor[]{a}, g -> new Tensor[]{Reductions.sum(ArrayOps.reshape(g, split), false, mAxes)});
    }
}
