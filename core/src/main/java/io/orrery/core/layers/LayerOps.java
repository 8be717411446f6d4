package io.orrery.core.layers;

import io.orrery.core.autodiff.Backward;
import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.List;

/**
 * The few differentiable operations the recurrent and embedding layers need and {@code Ops} did not have when they
 * were written: slicing along one axis, concatenation, and row gathering. Each gradient rule is written in these
 * same operations (slice and pad are each other's gradient, as are gather and scatter-add), so the tape can
 * differentiate through them again. Package-private: the public versions belong in {@code Ops}.
 */
final class LayerOps {

    private LayerOps() {
    }

    private static Tensor record(INDArray value, Tensor[] inputs, Backward backward) {
        Tensor out = new Tensor(value);
        GradientTape.record(out, inputs, backward);
        return out;
    }

    /**
     * {@code op(a) @ op(b)} for rank-2 tensors, {@code op} transposing when asked, by one GEMM into a column-major
     * result (several times faster in ND4J than {@code mmul}'s row-major one). The gradients are products of the
     * same kind, so no transposed copy is ever made.
     */
    static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        long[] as = a.shape();
        long[] bs = b.shape();
        long m = transA ? as[1] : as[0];
        long k = transA ? as[0] : as[1];
        long kb = transB ? bs[1] : bs[0];
        long n = transB ? bs[0] : bs[1];
        if (as.length != 2 || bs.length != 2 || k != kb) {
            throw new IllegalArgumentException("matmul expects [m,k] x [k,n] (after transposes " + transA + ", " + transB + "), found "
                    + Arrays.toString(as) + " x " + Arrays.toString(bs));
        }
        INDArray c = Nd4j.createUninitialized(a.dataType(), new long[]{m, n}, 'f');
        Nd4j.gemm(a.array(), b.array(), c, transA, transB, 1.0, 0.0);
        return record(c, new Tensor[]{a, b}, g -> {
            if (!transA && !transB) {
                return new Tensor[]{matmul(g, b, false, true), matmul(a, g, true, false)};
            } else if (!transA) {
                return new Tensor[]{matmul(g, b, false, false), matmul(g, a, true, false)};
            } else if (!transB) {
                return new Tensor[]{matmul(b, g, false, true), matmul(a, g, false, false)};
            }
            return new Tensor[]{matmul(b, g, true, true), matmul(g, a, true, true)};
        });
    }

    /** {@code a + bias} for a (rows, n) tensor and a (n) bias; faster than a general broadcasting add. */
    static Tensor addBias(Tensor a, Tensor bias) {
        if (a.rank() != 2 || bias.rank() != 1 || a.shape()[1] != bias.shape()[0]) {
            throw new IllegalArgumentException("addBias expects (rows, n) + (n), found " + Arrays.toString(a.shape()) + " + "
                    + Arrays.toString(bias.shape()));
        }
        INDArray v = a.array().addRowVector(bias.array());
        long n = bias.shape()[0];
        return record(v, new Tensor[]{a, bias}, g -> new Tensor[]{g, Ops.reshape(
                Ops.sum(g, false, 0), n)});
    }

    /** Swaps the first two axes of a rank-3 tensor, (batch, time, f) to (time, batch, f) and back, as a row-major copy. */
    static Tensor swapBatchTime(Tensor a) {
        if (a.rank() != 3) {
            throw new IllegalArgumentException("swapBatchTime expects a rank-3 tensor, found " + Arrays.toString(a.shape()));
        }
        INDArray v = a.array().permute(1, 0, 2).dup('c');
        return record(v, new Tensor[]{a}, g -> new Tensor[]{swapBatchTime(g)});
    }

    /** {@code a[..., from:to, ...]} along {@code axis} (a copy, not a view). */
    static Tensor slice(Tensor a, int axis, long from, long to) {
        long[] shape = a.shape();
        checkRange(shape, axis, from, to);
        INDArray v = a.array().get(indices(shape.length, axis, from, to)).dup('c');
        return record(v, new Tensor[]{a}, g -> new Tensor[]{pad(g, axis, from, shape)});
    }

    /** Zeros of {@code shape} with {@code a} written at {@code [from, from + a.size(axis))} along {@code axis}. */
    static Tensor pad(Tensor a, int axis, long from, long[] shape) {
        long to = from + a.shape()[axis];
        checkRange(shape, axis, from, to);
        INDArray v = Nd4j.zeros(a.dataType(), shape);
        v.get(indices(shape.length, axis, from, to)).assign(a.array());
        return record(v, new Tensor[]{a}, g -> new Tensor[]{slice(g, axis, from, to)});
    }

    /** Joins tensors along {@code axis}; all other axes must agree. */
    static Tensor concat(List<Tensor> parts, int axis) {
        INDArray[] arrays = new INDArray[parts.size()];
        long[] starts = new long[parts.size() + 1];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = parts.get(i).array();
            starts[i + 1] = starts[i] + arrays[i].size(axis);
        }
        INDArray v = arrays.length == 1 ? arrays[0].dup('c') : Nd4j.concat(axis, arrays);
        return record(v, parts.toArray(new Tensor[0]), g -> {
            Tensor[] grads = new Tensor[arrays.length];
            for (int i = 0; i < grads.length; i++) {
                grads[i] = slice(g, axis, starts[i], starts[i + 1]);
            }
            return grads;
        });
    }

    /**
     * Rows of {@code table} [rows, width] picked by {@code indices} (already checked to be in range): the result has
     * shape {@code outerShape + [width]}. The gradient with respect to the table adds each row's gradient back into
     * the row it came from.
     */
    static Tensor gather(Tensor table, int[] indices, long[] outerShape) {
        long rows = table.shape()[0];
        long width = table.shape()[1];
        INDArray picked = indices.length == 0 ? Nd4j.zeros(table.dataType(), 0, width)
                : Nd4j.pullRows(table.array(), 1, indices);
        long[] outShape = Arrays.copyOf(outerShape, outerShape.length + 1);
        outShape[outerShape.length] = width;
        INDArray v = picked.reshape('c', outShape);
        return record(v, new Tensor[]{table}, g -> new Tensor[]{scatterAdd(g, indices, rows)});
    }

    /** {@code out[indices[i], :] += g[i, :]} into zeros of shape [rows, width]; the inverse of {@link #gather}. */
    static Tensor scatterAdd(Tensor g, int[] indices, long rows) {
        long[] gShape = g.shape();
        int width = (int) gShape[gShape.length - 1];
        double[] gv = g.array().dup('c').reshape('c', new long[]{(long) indices.length * width}).toDoubleVector();
        double[] out = new double[(int) (rows * width)];
        for (int i = 0; i < indices.length; i++) {
            int dst = indices[i] * width;
            int src = i * width;
            for (int k = 0; k < width; k++) {
                out[dst + k] += gv[src + k];
            }
        }
        INDArray v = Nd4j.create(out, new long[]{rows, width}, 'c').castTo(g.dataType());
        long[] outer = Arrays.copyOf(gShape, gShape.length - 1);
        return record(v, new Tensor[]{g}, up -> new Tensor[]{gather(up, indices, outer)});
    }

    private static INDArrayIndex[] indices(int rank, int axis, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        for (int i = 0; i < rank; i++) {
            idx[i] = i == axis ? NDArrayIndex.interval(from, to) : NDArrayIndex.all();
        }
        return idx;
    }

    private static void checkRange(long[] shape, int axis, long from, long to) {
        if (axis < 0 || axis >= shape.length || from < 0 || to > shape[axis] || from >= to) {
            throw new IllegalArgumentException("slice: expected 0 <= from < to <= size on axis " + axis + " of shape "
                    + Arrays.toString(shape) + ", found [" + from + ", " + to + ")");
        }
    }
}
