package io.orrery.core.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.Select;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

import static io.orrery.core.tensor.ArrayOps.unbroadcast;
import static io.orrery.core.tensor.Recording.record;

/**
 * Elementwise arithmetic and functions. Binary operations broadcast as NumPy does; their gradients are summed back
 * to each operand's shape. Every gradient rule is written in these operations, so it is itself differentiable.
 */
final class MathOps {

    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    private MathOps() {
    }

    // ---------------------------------------------------------------- binary, broadcasting

    static Tensor add(Tensor a, Tensor b) {
        INDArray v = binary(a, b, '+');
        return record(v, new Tensor[]{a, b}, g -> new Tensor[]{unbroadcast(g, a.shape()), unbroadcast(g, b.shape())});
    }

    static Tensor sub(Tensor a, Tensor b) {
        INDArray v = binary(a, b, '-');
        return record(v, new Tensor[]{a, b}, g -> new Tensor[]{unbroadcast(g, a.shape()), unbroadcast(neg(g), b.shape())});
    }

    static Tensor mul(Tensor a, Tensor b) {
        INDArray v = binary(a, b, '*');
        return record(v, new Tensor[]{a, b}, g -> new Tensor[]{unbroadcast(mul(g, b), a.shape()), unbroadcast(mul(g, a), b.shape())});
    }

    static Tensor div(Tensor a, Tensor b) {
        INDArray v = binary(a, b, '/');
        return record(v, new Tensor[]{a, b}, g -> new Tensor[]{
                unbroadcast(div(g, b), a.shape()),
                unbroadcast(neg(div(mul(g, a), square(b))), b.shape())});
    }

    /** Elementwise maximum; the gradient goes to the larger (to {@code a} on ties, as TensorFlow). */
    static Tensor maximum(Tensor a, Tensor b) {
        long[] shape = Shapes.checkBroadcastable(a, b, "maximum");
        INDArray av = Shapes.expand(a.array(), shape);
        INDArray bv = Shapes.expand(b.array(), shape);
        INDArray aWins = bv.gt(av).castTo(a.dataType()).rsubi(1.0);
        return select(aWins, a, b, av, bv);
    }

    /** Elementwise minimum; the gradient goes to the smaller (to {@code a} on ties, as TensorFlow). */
    static Tensor minimum(Tensor a, Tensor b) {
        long[] shape = Shapes.checkBroadcastable(a, b, "minimum");
        INDArray av = Shapes.expand(a.array(), shape);
        INDArray bv = Shapes.expand(b.array(), shape);
        INDArray aWins = av.gt(bv).castTo(a.dataType()).rsubi(1.0);
        return select(aWins, a, b, av, bv);
    }

    /**
     * {@code condition ? a : b} elementwise, as {@code tf.where(condition, a, b)}; the three broadcast together.
     * The condition is a constant: nonzero (or true) picks {@code a}. Each branch gets the gradient only where it
     * was picked, so a branch's inf or NaN where it was not picked does not reach the gradient.
     */
    static Tensor where(Tensor condition, Tensor a, Tensor b) {
        long[] shape = Shapes.broadcastShape(condition.shape(), a.shape());
        shape = shape == null ? null : Shapes.broadcastShape(shape, b.shape());
        if (shape == null) {
            throw new IllegalArgumentException("where: condition " + Arrays.toString(condition.shape()) + ", x "
                    + Arrays.toString(a.shape()) + " and y " + Arrays.toString(b.shape())
                    + " cannot be broadcast together (each axis must match or be 1)");
        }
        DataType type = a.dataType();
        INDArray c = condition.array();
        INDArray pick = Shapes.expand((c.dataType() == DataType.BOOL ? c : c.neq(0.0)).castTo(type), shape);
        return select(pick, a, b, Shapes.expand(a.array(), shape), Shapes.expand(b.array(), shape));
    }

    /** {@code pick ? av : bv} with a 0/1 mask, copying values rather than multiplying so non-finite values stay put. */
    private static Tensor select(INDArray pick, Tensor a, Tensor b, INDArray av, INDArray bv) {
        INDArray v = Nd4j.create(av.dataType(), av.shape());
        Nd4j.exec(new Select(new INDArray[]{pick.castTo(DataType.BOOL), av.dup('c'), bv.dup('c')}, new INDArray[]{v}));
        Tensor maskA = new Tensor(pick);
        Tensor maskB = new Tensor(pick.rsub(1.0));
        return record(v, new Tensor[]{a, b}, g -> new Tensor[]{
                unbroadcast(mul(g, maskA), a.shape()), unbroadcast(mul(g, maskB), b.shape())});
    }

    /** Elementwise maximum with a constant, as used by hinge losses; gradient 1 where {@code a > c}. */
    static Tensor maximum(Tensor a, double c) {
        INDArray v = Transforms.max(a.array(), c, true);
        Tensor mask = new Tensor(a.array().gt(c).castTo(a.dataType()));
        return record(v, new Tensor[]{a}, g -> new Tensor[]{mul(g, mask)});
    }

    /** Clips values into {@code [lo, hi]}; gradient 1 inside, 0 where clipped. */
    static Tensor clip(Tensor a, double lo, double hi) {
        INDArray v = Transforms.min(Transforms.max(a.array(), lo, true), hi, false);
        Tensor mask = new Tensor(a.array().gte(lo).castTo(a.dataType()).muli(a.array().lte(hi).castTo(a.dataType())));
        return record(v, new Tensor[]{a}, g -> new Tensor[]{mul(g, mask)});
    }

    // ---------------------------------------------------------------- unary

    static Tensor neg(Tensor a) {
        return record(a.array().neg(), new Tensor[]{a}, g -> new Tensor[]{neg(g)});
    }

    static Tensor square(Tensor a) {
        return record(a.array().mul(a.array()), new Tensor[]{a}, g -> new Tensor[]{mul(g, mul(a, a.scalarLike(2.0)))});
    }

    /** {@code a^p} for a constant exponent. */
    static Tensor pow(Tensor a, double p) {
        INDArray v = Transforms.pow(a.array(), p, true);
        return record(v, new Tensor[]{a}, g -> new Tensor[]{mul(g, mul(pow(a, p - 1), a.scalarLike(p)))});
    }

    static Tensor sqrt(Tensor a) {
        Tensor[] out = new Tensor[1];
        out[0] = record(Transforms.sqrt(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{div(g, mul(out[0], a.scalarLike(2.0)))});
        return out[0];
    }

    /** {@code 1 / sqrt(a)}; gradient {@code -rsqrt(a)^3 / 2}. */
    static Tensor rsqrt(Tensor a) {
        Tensor[] out = new Tensor[1];
        out[0] = record(Transforms.pow(a.array(), -0.5, true), new Tensor[]{a},
                g -> new Tensor[]{mul(g, mul(pow(out[0], 3), a.scalarLike(-0.5)))});
        return out[0];
    }

    static Tensor exp(Tensor a) {
        Tensor[] out = new Tensor[1];
        out[0] = record(Transforms.exp(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{mul(g, out[0])});
        return out[0];
    }

    static Tensor log(Tensor a) {
        return record(Transforms.log(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{div(g, a)});
    }

    /** {@code log(1 + a)}, accurate for small {@code a}. */
    static Tensor log1p(Tensor a) {
        return record(Transforms.log1p(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{div(g, add(a, a.scalarLike(1.0)))});
    }

    static Tensor abs(Tensor a) {
        Tensor sign = new Tensor(Transforms.sign(a.array(), true));
        return record(Transforms.abs(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{mul(g, sign)});
    }

    static Tensor sin(Tensor a) {
        return record(Transforms.sin(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{mul(g, cos(a))});
    }

    static Tensor cos(Tensor a) {
        return record(Transforms.cos(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{neg(mul(g, sin(a)))});
    }

    /** The error function; gradient {@code 2/sqrt(pi) exp(-a^2)}. */
    static Tensor erf(Tensor a) {
        INDArray v = Nd4j.getExecutioner().exec(new Erf(a.array(), a.array().ulike()));
        return record(v, new Tensor[]{a}, g -> new Tensor[]{mul(g, mul(exp(neg(square(a))), a.scalarLike(TWO_OVER_SQRT_PI)))});
    }

    /**
     * Converts to another data type, as {@code tf.cast}. Between floating types the gradient is cast back; to or
     * from an integer or boolean type there is none (TensorFlow's rule).
     */
    static Tensor cast(Tensor a, DataType type) {
        if (a.dataType() == type) {
            return a;
        }
        INDArray v = a.array().castTo(type);
        if (!type.isFPType() || !a.dataType().isFPType()) {
            return new Tensor(v);
        }
        DataType from = a.dataType();
        return record(v, new Tensor[]{a}, g -> new Tensor[]{cast(g, from)});
    }

    /** The same value with no gradient, as {@code tf.stop_gradient}. */
    static Tensor stopGradient(Tensor a) {
        return new Tensor(a.borrowed() ? a.array().dup() : a.array());
    }

    // ---------------------------------------------------------------- helpers

    private static INDArray binary(Tensor a, Tensor b, char op) {
        long[] target = Shapes.checkBroadcastable(a, b, String.valueOf(op));
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
            return Arrays.equals(r.shape(), target) ? r : r.reshape(target);
        }
        if (x.length() == 1 && x.rank() <= y.rank()) {
            double s = x.getDouble(0);
            INDArray r = switch (op) {
                case '+' -> y.add(s);
                case '-' -> y.rsub(s);
                case '*' -> y.mul(s);
                default -> y.rdiv(s);
            };
            return Arrays.equals(r.shape(), target) ? r : r.reshape(target);
        }
        if (x.rank() == 2 && y.rank() == 1 && y.length() == x.size(1)) {
            // (rows, n) with (n), as a layer adds its bias: ND4J's row-vector ops skip the broadcast view
            return switch (op) {
                case '+' -> x.addRowVector(y);
                case '-' -> x.subRowVector(y);
                case '*' -> x.mulRowVector(y);
                default -> x.divRowVector(y);
            };
        }
        if (!Arrays.equals(x.shape(), y.shape())) {
            x = Shapes.expand(x, target);
            y = Shapes.expand(y, target);
        }
        return switch (op) {
            case '+' -> x.add(y);
            case '-' -> x.sub(y);
            case '*' -> x.mul(y);
            default -> x.div(y);
        };
    }
}
