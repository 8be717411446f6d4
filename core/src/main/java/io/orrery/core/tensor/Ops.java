package io.orrery.core.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.orrery.core.tensor.Recording.in;

/**
 * The differentiable operations, under TensorFlow's names: the one class a user calls, as {@code tf.*}. Each
 * method hands its tensors to the file that implements it ({@link MathOps}, {@link Activations}, {@link ArrayOps},
 * {@link Gathering}, {@link Reductions}, {@link LinearAlgebra}); on the way in, a {@link Variable} read under a tape becomes a read
 * that keeps the forward pass's value (see {@link Recording}). Every operation records itself on the open
 * {@link io.orrery.core.autodiff.GradientTape}s with a gradient rule written in these same operations, so gradients
 * are differentiable again. Shapes follow NumPy: binary operations broadcast, negative axes count from the end,
 * a reduction given no axes reduces them all.
 *
 * <p>This file is over 400 lines because it is the index of every operation, one delegating line each; the
 * arithmetic is in the files above.
 */
public final class Ops {

    /** The default {@code epsilon} of {@link #l2Normalize(Tensor, int...)}, as TensorFlow. */
    public static final double L2_NORMALIZE_EPSILON = 1e-12;

    private Ops() {
    }

    // ---------------------------------------------------------------- elementwise, binary (broadcasting)

    public static Tensor add(Tensor a, Tensor b) {
        return MathOps.add(in(a), in(b));
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return MathOps.sub(in(a), in(b));
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return MathOps.mul(in(a), in(b));
    }

    public static Tensor div(Tensor a, Tensor b) {
        return MathOps.div(in(a), in(b));
    }

    /** Elementwise maximum of two tensors; the gradient goes to the larger (to {@code a} on ties). */
    public static Tensor maximum(Tensor a, Tensor b) {
        return MathOps.maximum(in(a), in(b));
    }

    /** Elementwise minimum of two tensors; the gradient goes to the smaller (to {@code a} on ties). */
    public static Tensor minimum(Tensor a, Tensor b) {
        return MathOps.minimum(in(a), in(b));
    }

    /** Elementwise maximum with a constant, as used by hinge losses; gradient 1 where {@code a > c}. */
    public static Tensor maximum(Tensor a, double c) {
        return MathOps.maximum(in(a), c);
    }

    /** Clips values into {@code [lo, hi]}; gradient 1 inside, 0 where clipped. */
    public static Tensor clip(Tensor a, double lo, double hi) {
        return MathOps.clip(in(a), lo, hi);
    }

    /**
     * {@code condition ? x : y} elementwise, as {@code tf.where(condition, x, y)}; the three broadcast together. The
     * condition (boolean, or nonzero for true) gets no gradient; each branch gets the gradient where it was picked.
     */
    public static Tensor where(Tensor condition, Tensor x, Tensor y) {
        return MathOps.where(condition, in(x), in(y));
    }

    // ---------------------------------------------------------------- elementwise, unary

    public static Tensor neg(Tensor a) {
        return MathOps.neg(in(a));
    }

    public static Tensor square(Tensor a) {
        return MathOps.square(in(a));
    }

    /** {@code a^p} for a constant exponent. */
    public static Tensor pow(Tensor a, double p) {
        return MathOps.pow(in(a), p);
    }

    public static Tensor sqrt(Tensor a) {
        return MathOps.sqrt(in(a));
    }

    /** {@code 1 / sqrt(a)}, as {@code tf.math.rsqrt}. */
    public static Tensor rsqrt(Tensor a) {
        return MathOps.rsqrt(in(a));
    }

    public static Tensor exp(Tensor a) {
        return MathOps.exp(in(a));
    }

    public static Tensor log(Tensor a) {
        return MathOps.log(in(a));
    }

    /** {@code log(1 + a)}, accurate for small {@code a}. */
    public static Tensor log1p(Tensor a) {
        return MathOps.log1p(in(a));
    }

    public static Tensor abs(Tensor a) {
        return MathOps.abs(in(a));
    }

    public static Tensor sin(Tensor a) {
        return MathOps.sin(in(a));
    }

    public static Tensor cos(Tensor a) {
        return MathOps.cos(in(a));
    }

    /** The error function, as {@code tf.math.erf}. */
    public static Tensor erf(Tensor a) {
        return MathOps.erf(in(a));
    }

    /** Converts to another type, as {@code tf.cast}; gradients flow between floating types only. */
    public static Tensor cast(Tensor a, DataType type) {
        return MathOps.cast(in(a), type);
    }

    /** The same value, through which no gradient flows, as {@code tf.stop_gradient}. */
    public static Tensor stopGradient(Tensor a) {
        return MathOps.stopGradient(in(a));
    }

    // ---------------------------------------------------------------- activations

    public static Tensor relu(Tensor a) {
        return Activations.relu(in(a));
    }

    public static Tensor sigmoid(Tensor a) {
        return Activations.sigmoid(in(a));
    }

    public static Tensor tanh(Tensor a) {
        return Activations.tanh(in(a));
    }

    /** Softmax over the last axis. */
    public static Tensor softmax(Tensor a) {
        return Activations.softmax(in(a), -1);
    }

    /** Softmax over one axis, as {@code tf.nn.softmax(a, axis)}. */
    public static Tensor softmax(Tensor a, int axis) {
        return Activations.softmax(in(a), axis);
    }

    /** {@code log(softmax(a))} over the last axis, computed stably. */
    public static Tensor logSoftmax(Tensor a) {
        return Activations.logSoftmax(in(a), -1);
    }

    /** {@code log(softmax(a))} over one axis, computed stably. */
    public static Tensor logSoftmax(Tensor a, int axis) {
        return Activations.logSoftmax(in(a), axis);
    }

    /** {@code log(1 + exp(a))}, as {@code tf.nn.softplus}. */
    public static Tensor softplus(Tensor a) {
        return Activations.softplus(in(a));
    }

    /** {@code a > 0 ? a : exp(a) - 1}, as {@code tf.nn.elu}. */
    public static Tensor elu(Tensor a) {
        return Activations.elu(in(a), 1.0);
    }

    /** {@code a > 0 ? a : alpha (exp(a) - 1)}, as {@code keras.activations.elu(x, alpha)}. */
    public static Tensor elu(Tensor a, double alpha) {
        return Activations.elu(in(a), alpha);
    }

    /** Scaled ELU with Keras's constants, as {@code tf.nn.selu}. */
    public static Tensor selu(Tensor a) {
        return Activations.selu(in(a));
    }

    /** Exact GELU, {@code a/2 (1 + erf(a / sqrt 2))}, Keras's default ({@code approximate=False}). */
    public static Tensor gelu(Tensor a) {
        return Activations.gelu(in(a), false);
    }

    /** GELU, exact or with the tanh approximation, as {@code tf.nn.gelu(a, approximate)}. */
    public static Tensor gelu(Tensor a, boolean approximate) {
        return Activations.gelu(in(a), approximate);
    }

    /** {@code a * sigmoid(a)}, as {@code tf.nn.swish}. */
    public static Tensor swish(Tensor a) {
        return Activations.swish(in(a));
    }

    /** The same function as {@link #swish}, under its other name, as {@code tf.nn.silu}. */
    public static Tensor silu(Tensor a) {
        return Activations.swish(in(a));
    }

    /** {@code a > 0 ? a : 0.2 a}, as {@code tf.nn.leaky_relu} and {@code keras.activations.leaky_relu}. */
    public static Tensor leakyRelu(Tensor a) {
        return Activations.leakyRelu(in(a), 0.2);
    }

    /** {@code a > 0 ? a : alpha a}. */
    public static Tensor leakyRelu(Tensor a, double alpha) {
        return Activations.leakyRelu(in(a), alpha);
    }

    // ---------------------------------------------------------------- linear algebra

    /**
     * Matrix product {@code [..., m, k] x [..., k, n] -> [..., m, n]}, as {@code tf.matmul}: rank 2, or batched over
     * leading axes that broadcast.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        return LinearAlgebra.matmul(in(a), in(b));
    }

    /** {@link #matmul} with either operand's last two axes transposed first. */
    public static Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return LinearAlgebra.matmul(in(a), in(b), transposeA, transposeB);
    }

    // ---------------------------------------------------------------- shapes

    /** Reverses the axes (for rank 2, the matrix transpose). */
    public static Tensor transpose(Tensor a) {
        return ArrayOps.transpose(in(a));
    }

    /** Permutes the axes: output axis {@code i} is input axis {@code perm[i]}, as {@code tf.transpose(a, perm)}. */
    public static Tensor transpose(Tensor a, int... perm) {
        return ArrayOps.transpose(in(a), perm);
    }

    /** Reshapes (row-major semantics, as NumPy); one dimension may be -1. */
    public static Tensor reshape(Tensor a, long... shape) {
        return ArrayOps.reshape(in(a), shape);
    }

    /** Inserts an axis of size 1, as {@code tf.expand_dims(a, axis)}. */
    public static Tensor expandDims(Tensor a, int axis) {
        return ArrayOps.expandDims(in(a), axis);
    }

    /** Removes the given axes of size 1 (none given: all of them), as {@code tf.squeeze}. */
    public static Tensor squeeze(Tensor a, int... axes) {
        return ArrayOps.squeeze(in(a), axes);
    }

    /** Repeats a tensor along axes of size 1 (or missing leading axes) to the given shape. */
    public static Tensor broadcastTo(Tensor a, long... shape) {
        return ArrayOps.broadcastTo(in(a), shape);
    }

    /** Sums a gradient back to the shape of an operand that was broadcast. */
    public static Tensor unbroadcast(Tensor g, long[] shape) {
        return ArrayOps.unbroadcast(in(g), shape);
    }

    /** Joins tensors along an existing axis, as {@code tf.concat(values, axis)}. */
    public static Tensor concat(int axis, Tensor... values) {
        return ArrayOps.concat(Recording.in(values), axis);
    }

    /** Joins tensors of one shape along a new axis, as {@code tf.stack(values, axis)}. */
    public static Tensor stack(int axis, Tensor... values) {
        return ArrayOps.stack(Recording.in(values), axis);
    }

    /** Splits into {@code count} equal pieces along an axis, as {@code tf.split(a, count, axis)}. */
    public static Tensor[] split(Tensor a, int count, int axis) {
        return ArrayOps.split(in(a), count, axis);
    }

    /** Splits into pieces of the given sizes along an axis, as {@code tf.split(a, sizes, axis)}. */
    public static Tensor[] split(Tensor a, long[] sizes, int axis) {
        return ArrayOps.split(in(a), sizes, axis);
    }

    /** {@code size[d]} elements from {@code begin[d]} on each axis (size -1: to the end), as {@code tf.slice}. */
    public static Tensor slice(Tensor a, long[] begin, long[] size) {
        return ArrayOps.slice(in(a), begin, size);
    }

    /** {@code size} elements from {@code start} along one axis, all of every other axis (a copy, not a view). */
    public static Tensor slice(Tensor a, int axis, long start, long size) {
        return ArrayOps.sliceAxis(in(a), Shapes.axis(axis, a.rank(), "slice"), start, size);
    }

    /** {@code a[b0:e0:s0, b1:e1:s1, ...]} with positive strides, as {@code tf.strided_slice}. */
    public static Tensor stridedSlice(Tensor a, long[] begin, long[] end, long[] strides) {
        return ArrayOps.stridedSlice(in(a), begin, end, strides);
    }

    /** Slices along {@code axis} picked by integer indices of any shape, as {@code tf.gather(params, indices, axis)}. */
    public static Tensor gather(Tensor params, INDArray indices, int axis) {
        return Gathering.gather(in(params), indices, axis);
    }

    /** {@link #gather(Tensor, INDArray, int)} with the indices given as a tensor (they get no gradient). */
    public static Tensor gather(Tensor params, Tensor indices, int axis) {
        return Gathering.gather(in(params), indices.array(), axis);
    }

    /** {@link #gather} along axis 0, as an embedding lookup. */
    public static Tensor gather(Tensor params, INDArray indices) {
        return Gathering.gather(in(params), indices, 0);
    }

    /** Repeats the whole tensor {@code multiples[d]} times along each axis, as {@code tf.tile}. */
    public static Tensor tile(Tensor a, long... multiples) {
        return Gathering.tile(in(a), multiples);
    }

    /** Pads with zeros, {@code paddings[d] = {before, after}}, as {@code tf.pad(a, paddings)}. */
    public static Tensor pad(Tensor a, long[][] paddings) {
        return ArrayOps.pad(in(a), paddings, 0.0);
    }

    /** Pads with a constant, as {@code tf.pad(a, paddings, constant_values=c)}. */
    public static Tensor pad(Tensor a, long[][] paddings, double constant) {
        return ArrayOps.pad(in(a), paddings, constant);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements, a rank-0 tensor. */
    public static Tensor sum(Tensor a) {
        return Reductions.sum(in(a));
    }

    /** Sum over the given axes (none: all; shape {@code []} unless keepDims), as {@code tf.reduce_sum}. */
    public static Tensor sum(Tensor a, boolean keepDims, int... axes) {
        return Reductions.sum(in(a), keepDims, axes);
    }

    /** The same as {@link #sum(Tensor, boolean, int...)}, under TensorFlow's name. */
    public static Tensor reduceSum(Tensor a, boolean keepDims, int... axes) {
        return Reductions.sum(in(a), keepDims, axes);
    }

    /** Mean of all elements, a rank-0 tensor. */
    public static Tensor mean(Tensor a) {
        return Reductions.mean(in(a));
    }

    /** Mean over the given axes (none: all), as {@code tf.reduce_mean}. */
    public static Tensor mean(Tensor a, boolean keepDims, int... axes) {
        return Reductions.mean(in(a), keepDims, axes);
    }

    /** The same as {@link #mean(Tensor, boolean, int...)}, under TensorFlow's name. */
    public static Tensor reduceMean(Tensor a, boolean keepDims, int... axes) {
        return Reductions.mean(in(a), keepDims, axes);
    }

    /** Largest value over the axes (none: all), as {@code tf.reduce_max}; ties share the gradient. */
    public static Tensor reduceMax(Tensor a, boolean keepDims, int... axes) {
        return Reductions.reduceMax(in(a), keepDims, axes);
    }

    /** Smallest value over the axes (none: all), as {@code tf.reduce_min}; ties share the gradient. */
    public static Tensor reduceMin(Tensor a, boolean keepDims, int... axes) {
        return Reductions.reduceMin(in(a), keepDims, axes);
    }

    /** Product over the axes (none: all), as {@code tf.reduce_prod}. */
    public static Tensor reduceProd(Tensor a, boolean keepDims, int... axes) {
        return Reductions.reduceProd(in(a), keepDims, axes);
    }

    /** {@code log(sum(exp(a)))} over the axes (none: all), computed stably, as {@code tf.reduce_logsumexp}. */
    public static Tensor reduceLogSumExp(Tensor a, boolean keepDims, int... axes) {
        return Reductions.reduceLogSumExp(in(a), keepDims, axes);
    }

    /** Variance (divided by n) over the axes (none: all), as {@code tf.math.reduce_variance}. */
    public static Tensor reduceVariance(Tensor a, boolean keepDims, int... axes) {
        return Reductions.reduceVariance(in(a), keepDims, axes);
    }

    /** The Euclidean (Frobenius) norm over the axes (none: all), as {@code tf.norm}. */
    public static Tensor norm(Tensor a, boolean keepDims, int... axes) {
        return Reductions.norm(in(a), keepDims, axes);
    }

    /** {@code a / sqrt(max(sum(a^2, axes), 1e-12))}, as {@code tf.math.l2_normalize(a, axis)}. */
    public static Tensor l2Normalize(Tensor a, int... axes) {
        return Reductions.l2Normalize(in(a), L2_NORMALIZE_EPSILON, axes);
    }

    /** {@code a / sqrt(max(sum(a^2, axes), epsilon))}. */
    public static Tensor l2Normalize(Tensor a, double epsilon, int... axes) {
        return Reductions.l2Normalize(in(a), epsilon, axes);
    }

    /** Running sum along an axis, as {@code tf.math.cumsum(a, axis)}. */
    public static Tensor cumsum(Tensor a, int axis) {
        return Reductions.cumsum(in(a), axis, false, false);
    }

    /** Running sum, optionally excluding each element itself and/or from the end, as {@code tf.math.cumsum}. */
    public static Tensor cumsum(Tensor a, int axis, boolean exclusive, boolean reverse) {
        return Reductions.cumsum(in(a), axis, exclusive, reverse);
    }

    // ---------------------------------------------------------------- not differentiated

    /** Ones of the same shape and type. */
    public static Tensor onesLike(Tensor a) {
        return new Tensor(Nd4j.ones(a.dataType(), a.shape()));
    }

    /** Zeros of the same shape and type. */
    public static Tensor zerosLike(Tensor a) {
        return new Tensor(Nd4j.zeros(a.dataType(), a.shape()));
    }

    /** Index of the largest value along the last axis (no gradient). */
    public static Tensor argmax(Tensor a) {
        return new Tensor(a.array().argMax(a.rank() - 1));
    }

    /** One-hot rows for integer labels [n] (any numeric type), in the given type: [n, depth]. */
    public static Tensor oneHot(INDArray labels, int depth, DataType type) {
        long n = labels.length();
        INDArray out = Nd4j.zeros(type, n, depth);
        INDArray flat = labels.reshape(n);
        for (long i = 0; i < n; i++) {
            double label = flat.getDouble(i);
            int k = (int) label;
            if (k != label || k < 0 || k >= depth) {
                throw new IllegalArgumentException("label at row " + i + " is " + label + "; expected an integer class index in [0, "
                        + depth + ") for a model with " + depth + " outputs");
            }
            out.putScalar(i, k, 1.0);
        }
        return new Tensor(out);
    }
}
