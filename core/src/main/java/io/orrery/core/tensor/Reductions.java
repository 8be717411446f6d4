package io.orrery.core.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

import static io.orrery.core.tensor.ArrayOps.broadcastTo;
import static io.orrery.core.tensor.ArrayOps.reshape;
import static io.orrery.core.tensor.MathOps.div;
import static io.orrery.core.tensor.MathOps.mul;
import static io.orrery.core.tensor.Recording.record;

/**
 * Reductions over axes, with TensorFlow's conventions: no axes means every axis (a scalar, shape {@code []}, or
 * all ones with keepDims); negative axes count from the end. Also the running sum {@code cumsum}.
 */
final class Reductions {

    private Reductions() {
    }

    /** Sum of all elements, a rank-0 tensor. */
    static Tensor sum(Tensor a) {
        return sum(a, false);
    }

    /** Sum over the given axes (none: all). */
    static Tensor sum(Tensor a, boolean keepDims, int... axes) {
        long[] shape = a.shape();
        int[] ax = Shapes.reductionAxes(axes, shape.length, "sum");
        long[] kept = Shapes.keptShape(shape, ax);
        INDArray v;
        if (ax.length == shape.length) {
            double total = a.array().sumNumber().doubleValue();
            v = keepDims ? Nd4j.valueArrayOf(kept, total, a.dataType()) : Nd4j.scalar(a.dataType(), total);
        } else {
            v = a.array().sum(keepDims, ax);
        }
        return record(v, new Tensor[]{a}, g -> new Tensor[]{broadcastTo(reshape(g, kept), shape)});
    }

    /** Mean of all elements, a rank-0 tensor. */
    static Tensor mean(Tensor a) {
        return mean(a, false);
    }

    /** Mean over the given axes (none: all). */
    static Tensor mean(Tensor a, boolean keepDims, int... axes) {
        int[] ax = Shapes.reductionAxes(axes, a.rank(), "mean");
        return div(sum(a, keepDims, ax), a.scalarLike(Shapes.count(a.shape(), ax)));
    }

    /**
     * Largest value over the axes, as {@code tf.reduce_max}. The gradient is split evenly between tied maxima
     * (TensorFlow's rule), through a mask that is constant almost everywhere.
     */
    static Tensor reduceMax(Tensor a, boolean keepDims, int... axes) {
        return extreme(a, keepDims, axes, true);
    }

    /** Smallest value over the axes, as {@code tf.reduce_min}; gradient as {@link #reduceMax}. */
    static Tensor reduceMin(Tensor a, boolean keepDims, int... axes) {
        return extreme(a, keepDims, axes, false);
    }

    private static Tensor extreme(Tensor a, boolean keepDims, int[] axes, boolean max) {
        long[] shape = a.shape();
        int[] ax = Shapes.reductionAxes(axes, shape.length, max ? "reduceMax" : "reduceMin");
        long[] kept = Shapes.keptShape(shape, ax);
        INDArray x = a.array();
        INDArray best = (max ? x.max(true, ax) : x.min(true, ax)).reshape(kept);
        INDArray hits = Shapes.expand(best, shape).eq(x).castTo(a.dataType());
        INDArray ties = hits.sum(true, ax).reshape(kept);
        Tensor share = new Tensor(hits.divi(Shapes.expand(ties, shape)));
        INDArray v = keepDims ? best : best.reshape(Shapes.dropAxes(shape, ax));
        return record(v.dup(), new Tensor[]{a}, g -> new Tensor[]{mul(broadcastTo(reshape(g, kept), shape), share)});
    }

    /**
     * Product over the axes, as {@code tf.reduce_prod}. The gradient is {@code prod / x}, differentiable again; where
     * an element is zero the first-order gradient is still exact (the product of the others), but its own gradient is
     * not taken through that element.
     */
    static Tensor reduceProd(Tensor a, boolean keepDims, int... axes) {
        long[] shape = a.shape();
        int[] ax = Shapes.reductionAxes(axes, shape.length, "reduceProd");
        long[] kept = Shapes.keptShape(shape, ax);
        INDArray x = a.array();
        INDArray p = x.prod(true, ax).reshape(kept);
        INDArray v = keepDims ? p.dup() : p.reshape(Shapes.dropAxes(shape, ax)).dup();
        boolean anyZero = x.eq(0.0).castTo(DataType.INT32).sumNumber().intValue() > 0;
        Tensor[] out = new Tensor[1];
        out[0] = record(v, new Tensor[]{a}, g -> {
            Tensor gb = broadcastTo(reshape(g, kept), shape);
            if (!anyZero) {
                return new Tensor[]{div(mul(gb, broadcastTo(reshape(out[0], kept), shape)), a)};
            }
            return new Tensor[]{mul(gb, new Tensor(productOfOthers(x, ax)))};
        });
        return out[0];
    }

    /** For each element, the product of the other elements of its reduction group (exact with zeros). */
    private static INDArray productOfOthers(INDArray x, int[] ax) {
        long[] shape = x.shape();
        INDArray zeros = x.eq(0.0).castTo(x.dataType());
        INDArray zeroCount = Shapes.expand(zeros.sum(true, ax), shape);
        INDArray safe = x.add(zeros);                         // zeros replaced by ones
        INDArray prodNonZero = Shapes.expand(safe.prod(true, ax), shape);
        INDArray others = prodNonZero.div(safe);              // product of the other non-zero elements
        // an element gets that product only if no other element of its group is zero
        INDArray otherZeros = zeroCount.sub(zeros);
        return others.muli(otherZeros.eq(0.0).castTo(x.dataType()));
    }

    /** {@code log(sum(exp(a)))} over the axes, computed stably, as {@code tf.reduce_logsumexp}. */
    static Tensor reduceLogSumExp(Tensor a, boolean keepDims, int... axes) {
        long[] shape = a.shape();
        int[] ax = Shapes.reductionAxes(axes, shape.length, "reduceLogSumExp");
        long[] kept = Shapes.keptShape(shape, ax);
        INDArray x = a.array();
        INDArray m = x.max(true, ax).reshape(kept);
        Transforms.max(m, -Double.MAX_VALUE, false);     // an axis of -inf gives -inf, not NaN
        INDArray s = Transforms.exp(x.sub(Shapes.expand(m, shape)), false).sum(true, ax).reshape(kept);
        INDArray lse = Transforms.log(s, false).addi(m);
        INDArray v = keepDims ? lse : lse.reshape(Shapes.dropAxes(shape, ax));
        Tensor[] out = new Tensor[1];
        out[0] = record(v, new Tensor[]{a}, g -> {
            Tensor softmax = MathOps.exp(MathOps.sub(a, broadcastTo(reshape(out[0], kept), shape)));
            return new Tensor[]{mul(broadcastTo(reshape(g, kept), shape), softmax)};
        });
        return out[0];
    }

    /** Population variance over the axes (divides by n), as {@code tf.math.reduce_variance}. */
    static Tensor reduceVariance(Tensor a, boolean keepDims, int... axes) {
        int[] ax = Shapes.reductionAxes(axes, a.rank(), "reduceVariance");
        Tensor centered = MathOps.sub(a, mean(a, true, ax));
        return mean(MathOps.square(centered), keepDims, ax);
    }

    /**
     * The Euclidean norm over the axes, as {@code tf.norm(a, axis=...)} with the default {@code ord}: the square
     * root of the sum of squares (for a matrix over both axes, the Frobenius norm).
     */
    static Tensor norm(Tensor a, boolean keepDims, int... axes) {
        return MathOps.sqrt(sum(MathOps.square(a), keepDims, axes));
    }

    /** {@code a / sqrt(max(sum(a^2, axes), epsilon))}, as {@code tf.math.l2_normalize}. */
    static Tensor l2Normalize(Tensor a, double epsilon, int... axes) {
        Tensor squares = sum(MathOps.square(a), true, axes);
        return mul(a, MathOps.rsqrt(MathOps.maximum(squares, a.scalarLike(epsilon))));
    }

    /**
     * Running sum along an axis, as {@code tf.math.cumsum(a, axis, exclusive, reverse)}. The gradient is the running
     * sum of the gradient in the other direction.
     */
    static Tensor cumsum(Tensor a, int axis, boolean exclusive, boolean reverse) {
        int ax = Shapes.axis(axis, a.rank(), "cumsum");
        INDArray x = a.array();
        INDArray src = reverse ? flip(x, ax) : x;
        INDArray c = src.dup('c').cumsumi(ax);
        if (exclusive) {
            c = c.sub(src);
        }
        INDArray v = reverse ? flip(c, ax) : c;
        return record(v, new Tensor[]{a}, g -> new Tensor[]{cumsum(g, axis, exclusive, !reverse)});
    }

    /** A copy of {@code x} reversed along one axis. */
    private static INDArray flip(INDArray x, int ax) {
        long n = x.size(ax);
        INDArrayIndex[] from = new INDArrayIndex[x.rank()];
        INDArrayIndex[] to = new INDArrayIndex[x.rank()];
        Arrays.fill(from, NDArrayIndex.all());
        Arrays.fill(to, NDArrayIndex.all());
        INDArray out = x.ulike();
        for (long i = 0; i < n; i++) {
            from[ax] = NDArrayIndex.point(i);
            to[ax] = NDArrayIndex.point(n - 1 - i);
            out.get(to).assign(x.get(from));
        }
        return out;
    }
}
