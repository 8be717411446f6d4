package io.orrery.core.tensor;

import io.orrery.core.autodiff.Backward;
import io.orrery.core.autodiff.GradientTape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * Differentiable tensor operations. Binary elementwise operations broadcast as NumPy does; their gradients are
 * summed back to each operand's shape. Every operation records itself on the open
 * {@link GradientTape}s, with a gradient rule written in these same operations (so gradients are differentiable).
 */
public final class Ops {

    private Ops() {
    }

    private static Tensor record(INDArray value, Tensor[] inputs, Backward backward) {
        Tensor out = new Tensor(value);
        GradientTape.record(out, inputs, backward);
        return out;
    }

    // ---------------------------------------------------------------- elementwise, binary (broadcasting)

    public static Tensor add(Tensor a, Tensor b) {
        INDArray v = binary(a, b, '+');
        return record(v, new Tensor[]{a, b}, g -> new Tensor[]{unbroadcast(g, a.shape()), unbroadcast(g, b.shape())});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        INDArray v = binary(a, b, '-');
        return record(v, new Tensor[]{a, b}, g -> new Tensor[]{unbroadcast(g, a.shape()), unbroadcast(neg(g), b.shape())});
    }

    public static Tensor mul(Tensor a, Tensor b) {
        INDArray v = binary(a, b, '*');
        return record(v, new Tensor[]{a, b}, g -> new Tensor[]{unbroadcast(mul(g, b), a.shape()), unbroadcast(mul(g, a), b.shape())});
    }

    public static Tensor div(Tensor a, Tensor b) {
        INDArray v = binary(a, b, '/');
        return record(v, new Tensor[]{a, b}, g -> new Tensor[]{
                unbroadcast(div(g, b), a.shape()),
                unbroadcast(neg(div(mul(g, a), square(b))), b.shape())});
    }

    /** Elementwise maximum of two tensors; the gradient goes to the larger (to {@code a} on ties). */
    public static Tensor maximum(Tensor a, Tensor b) {
        checkBroadcastable(a, b, "maximum");
        INDArray shape = Nd4j.zeros(a.dataType(), broadcastShape(a.shape(), b.shape()));
        INDArray av = shape.add(a.array());
        INDArray bv = shape.add(b.array());
        INDArray bWins = bv.gt(av).castTo(a.dataType());
        Tensor maskA = new Tensor(bWins.rsub(1.0));
        Tensor maskB = new Tensor(bWins);
        INDArray v = av.mul(maskA.array()).addi(bv.mul(maskB.array()));
        return record(v, new Tensor[]{a, b}, g -> new Tensor[]{unbroadcast(mul(g, maskA), a.shape()), unbroadcast(mul(g, maskB), b.shape())});
    }

    /** Elementwise maximum with a constant, as used by hinge losses; gradient 1 where {@code a > c}. */
    public static Tensor maximum(Tensor a, double c) {
        INDArray v = Transforms.max(a.array(), c, true);
        Tensor mask = new Tensor(a.array().gt(c).castTo(a.dataType()));
        return record(v, new Tensor[]{a}, g -> new Tensor[]{mul(g, mask)});
    }

    /** Clips values into {@code [lo, hi]}; gradient 1 inside, 0 where clipped. */
    public static Tensor clip(Tensor a, double lo, double hi) {
        INDArray v = Transforms.min(Transforms.max(a.array(), lo, true), hi, false);
        Tensor mask = new Tensor(a.array().gte(lo).castTo(a.dataType()).muli(a.array().lte(hi).castTo(a.dataType())));
        return record(v, new Tensor[]{a}, g -> new Tensor[]{mul(g, mask)});
    }

    // ---------------------------------------------------------------- elementwise, unary

    public static Tensor neg(Tensor a) {
        return record(a.array().neg(), new Tensor[]{a}, g -> new Tensor[]{neg(g)});
    }

    public static Tensor square(Tensor a) {
        return record(a.array().mul(a.array()), new Tensor[]{a}, g -> new Tensor[]{mul(g, mul(a, a.scalarLike(2.0)))});
    }

    /** {@code a^p} for a constant exponent. */
    public static Tensor pow(Tensor a, double p) {
        INDArray v = Transforms.pow(a.array(), p, true);
        return record(v, new Tensor[]{a}, g -> new Tensor[]{mul(g, mul(pow(a, p - 1), a.scalarLike(p)))});
    }

    public static Tensor sqrt(Tensor a) {
        Tensor[] out = new Tensor[1];
        out[0] = record(Transforms.sqrt(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{div(g, mul(out[0], a.scalarLike(2.0)))});
        return out[0];
    }

    public static Tensor exp(Tensor a) {
        Tensor[] out = new Tensor[1];
        out[0] = record(Transforms.exp(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{mul(g, out[0])});
        return out[0];
    }

    public static Tensor log(Tensor a) {
        return record(Transforms.log(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{div(g, a)});
    }

    /** {@code log(1 + a)}, accurate for small {@code a}. */
    public static Tensor log1p(Tensor a) {
        return record(Transforms.log1p(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{div(g, add(a, a.scalarLike(1.0)))});
    }

    public static Tensor abs(Tensor a) {
        Tensor sign = new Tensor(Transforms.sign(a.array(), true));
        return record(Transforms.abs(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{mul(g, sign)});
    }

    public static Tensor relu(Tensor a) {
        Tensor mask = new Tensor(a.array().gt(0.0).castTo(a.dataType()));
        return record(Transforms.relu(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{mul(g, mask)});
    }

    public static Tensor sigmoid(Tensor a) {
        Tensor[] out = new Tensor[1];
        out[0] = record(Transforms.sigmoid(a.array(), true), new Tensor[]{a},
                g -> new Tensor[]{mul(g, mul(out[0], sub(out[0].scalarLike(1.0), out[0])))});
        return out[0];
    }

    public static Tensor tanh(Tensor a) {
        Tensor[] out = new Tensor[1];
        out[0] = record(Transforms.tanh(a.array(), true), new Tensor[]{a},
                g -> new Tensor[]{mul(g, sub(out[0].scalarLike(1.0), square(out[0])))});
        return out[0];
    }

    /** Softmax over the last axis. */
    public static Tensor softmax(Tensor a) {
        INDArray x = a.array();
        int last = x.rank() - 1;
        INDArray shifted = x.sub(x.max(true, last));
        INDArray e = Transforms.exp(shifted, false);
        INDArray v = e.divi(e.sum(true, last));
        Tensor[] out = new Tensor[1];
        out[0] = record(v, new Tensor[]{a}, g -> {
            Tensor y = out[0];
            Tensor gy = mul(g, y);
            return new Tensor[]{sub(gy, mul(y, sum(gy, true, -1)))};
        });
        return out[0];
    }

    /** log(softmax(a)) over the last axis, computed stably. */
    public static Tensor logSoftmax(Tensor a) {
        INDArray x = a.array();
        int last = x.rank() - 1;
        INDArray shifted = x.sub(x.max(true, last));
        INDArray lse = Transforms.log(Transforms.exp(shifted, true).sum(true, last), false);
        INDArray v = shifted.subi(lse);
        return record(v, new Tensor[]{a}, g -> new Tensor[]{sub(g, mul(softmax(a), sum(g, true, -1)))});
    }

    // ---------------------------------------------------------------- linear algebra and shapes

    /** Matrix product of two rank-2 tensors, [m,k] x [k,n] -> [m,n]. */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() != 2 || b.rank() != 2 || a.shape()[1] != b.shape()[0]) {
            throw new IllegalArgumentException("matmul expects [m,k] x [k,n], found " + Arrays.toString(a.shape())
                    + " x " + Arrays.toString(b.shape()));
        }
        INDArray v = a.array().mmul(b.array());
        return record(v, new Tensor[]{a, b}, g -> new Tensor[]{matmul(g, transpose(b)), matmul(transpose(a), g)});
    }

    /** Reverses the axes (for rank 2, the matrix transpose). */
    public static Tensor transpose(Tensor a) {
        INDArray v = a.rank() == 2 ? a.array().transpose() : a.array().permute(reversedAxes(a.rank()));
        return record(v.dup(), new Tensor[]{a}, g -> new Tensor[]{transpose(g)});
    }

    /** Reshapes (row-major semantics, as NumPy); one dimension may be -1. */
    public static Tensor reshape(Tensor a, long... shape) {
        long[] from = a.shape();
        INDArray v = a.array().reshape('c', resolveShape(shape, a.array().length(), from));
        return record(v, new Tensor[]{a}, g -> new Tensor[]{reshape(g, from)});
    }

    /** Repeats a tensor along axes of size 1 (or missing leading axes) to the given shape. */
    public static Tensor broadcastTo(Tensor a, long... shape) {
        if (Arrays.equals(a.shape(), shape)) {
            return a;
        }
        INDArray v = Nd4j.zeros(a.dataType(), shape).addi(a.array());
        return record(v, new Tensor[]{a}, g -> new Tensor[]{unbroadcast(g, a.shape())});
    }

    /** Sums a gradient back to the shape of an operand that was broadcast. */
    public static Tensor unbroadcast(Tensor g, long[] shape) {
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
        Tensor summed = n == 0 ? g : sum(g, true, Arrays.copyOf(axes, n));
        return reshape(summed, shape);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements, a rank-0 tensor. */
    public static Tensor sum(Tensor a) {
        long[] shape = a.shape();
        INDArray v = Nd4j.scalar(a.dataType(), a.array().sumNumber().doubleValue());
        return record(v, new Tensor[]{a}, g -> new Tensor[]{broadcastTo(reshape(g, ones(shape.length)), shape)});
    }

    /** Sum over the given axes (negative counts from the end). */
    public static Tensor sum(Tensor a, boolean keepDims, int... axes) {
        long[] shape = a.shape();
        int[] ax = normalizeAxes(axes, shape.length);
        INDArray v = a.array().sum(true, ax);
        long[] kept = v.shape();
        Tensor out = record(keepDims ? v : v.reshape(dropAxes(kept, ax)), new Tensor[]{a},
                g -> new Tensor[]{broadcastTo(reshape(g, kept), shape)});
        return out;
    }

    /** Mean of all elements, a rank-0 tensor. */
    public static Tensor mean(Tensor a) {
        return div(sum(a), a.scalarLike(a.array().length()));
    }

    /** Mean over the given axes. */
    public static Tensor mean(Tensor a, boolean keepDims, int... axes) {
        long count = 1;
        for (int ax : normalizeAxes(axes, a.rank())) {
            count *= a.shape()[ax];
        }
        return div(sum(a, keepDims, axes), a.scalarLike(count));
    }

    // ---------------------------------------------------------------- not differentiated

    /** Ones of the same shape and type. */
    public static Tensor onesLike(Tensor a) {
        return new Tensor(Nd4j.ones(a.dataType(), a.shape()));
    }

    /** Index of the largest value along the last axis (no gradient). */
    public static Tensor argmax(Tensor a) {
        return new Tensor(a.array().argMax(a.rank() - 1));
    }

    /** One-hot rows for integer labels [n] (any numeric type), in the default float type: [n, depth]. */
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

    // ---------------------------------------------------------------- helpers

    private static INDArray binary(Tensor a, Tensor b, char op) {
        checkBroadcastable(a, b, String.valueOf(op));
        INDArray x = a.array();
        INDArray y = b.array();
        if (y.length() == 1 && y.rank() <= x.rank()) {
            double s = y.getDouble(0);
            INDArray r = switch (op) {
                case '+' -> x.add(s);
                case '-' -> x.sub(s);
                case '*' -> x.mul(s);
                default -> x.div(s);
            };
            return y.rank() == 0 || Arrays.equals(r.shape(), broadcastShape(x.shape(), y.shape())) ? r
                    : r.reshape(broadcastShape(x.shape(), y.shape()));
        }
        if (x.length() == 1 && x.rank() <= y.rank()) {
            double s = x.getDouble(0);
            INDArray r = switch (op) {
                case '+' -> y.add(s);
                case '-' -> y.rsub(s);
                case '*' -> y.mul(s);
                default -> y.rdiv(s);
            };
            return Arrays.equals(r.shape(), broadcastShape(x.shape(), y.shape())) ? r : r.reshape(broadcastShape(x.shape(), y.shape()));
        }
        if (!Arrays.equals(x.shape(), y.shape())) {
            long[] target = broadcastShape(x.shape(), y.shape());
            x = expand(x, target);
            y = expand(y, target);
        }
        return switch (op) {
            case '+' -> x.add(y);
            case '-' -> x.sub(y);
            case '*' -> x.mul(y);
            default -> x.div(y);
        };
    }

    /** Materializes the broadcast of {@code x} to {@code target} (ND4J broadcasts only some shape pairs itself). */
    private static INDArray expand(INDArray x, long[] target) {
        if (Arrays.equals(x.shape(), target)) {
            return x;
        }
        long[] padded = new long[target.length];
        Arrays.fill(padded, 1);
        System.arraycopy(x.shape(), 0, padded, target.length - x.rank(), x.rank());
        INDArray r = x.reshape(padded);
        return r.broadcast(target);
    }

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

    private static void checkBroadcastable(Tensor a, Tensor b, String op) {
        if (broadcastShape(a.shape(), b.shape()) == null) {
            throw new IllegalArgumentException("operation '" + op + "': shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " cannot be broadcast together (each axis must match or be 1)");
        }
    }

    private static int[] normalizeAxes(int[] axes, int rank) {
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int ax = axes[i] < 0 ? axes[i] + rank : axes[i];
            if (ax < 0 || ax >= rank) {
                throw new IllegalArgumentException("axis " + axes[i] + " out of range for a tensor of rank " + rank);
            }
            out[i] = ax;
        }
        return out;
    }

    private static long[] dropAxes(long[] shape, int[] axes) {
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

    private static long[] ones(int n) {
        long[] s = new long[n];
        Arrays.fill(s, 1);
        return s;
    }

    private static int[] reversedAxes(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = rank - 1 - i;
        }
        return p;
    }

    private static long[] resolveShape(long[] shape, long length, long[] from) {
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
