package io.orrery.core.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import static io.orrery.core.tensor.MathOps.mul;
import static io.orrery.core.tensor.MathOps.sub;
import static io.orrery.core.tensor.Recording.record;

/**
 * Activation functions with Keras's definitions and defaults. The common ones have their own gradient rule; the
 * others are compositions of differentiable operations, written so that no branch that is not picked can put an
 * inf or NaN into a gradient.
 */
final class Activations {

    /** SELU's constants, from Klambauer et al. (2017), as Keras. */
    static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    static final double SELU_SCALE = 1.0507009873554804934193349852946;

    private Activations() {
    }

    static Tensor relu(Tensor a) {
        Tensor mask = new Tensor(a.array().gt(0.0).castTo(a.dataType()));
        return record(Transforms.relu(a.array(), true), new Tensor[]{a}, g -> new Tensor[]{mul(g, mask)});
    }

    static Tensor sigmoid(Tensor a) {
        Tensor[] out = new Tensor[1];
        out[0] = record(Transforms.sigmoid(a.array(), true), new Tensor[]{a},
                g -> new Tensor[]{mul(g, mul(out[0], sub(out[0].scalarLike(1.0), out[0])))});
        return out[0];
    }

    static Tensor tanh(Tensor a) {
        Tensor[] out = new Tensor[1];
        out[0] = record(Transforms.tanh(a.array(), true), new Tensor[]{a},
                g -> new Tensor[]{mul(g, sub(out[0].scalarLike(1.0), MathOps.square(out[0])))});
        return out[0];
    }

    /** Softmax over one axis, computed with the maximum subtracted. */
    static Tensor softmax(Tensor a, int axis) {
        int ax = Shapes.axis(axis, a.rank(), "softmax");
        INDArray x = a.array();
        INDArray shifted = x.sub(Shapes.expand(x.max(true, ax), x.shape()));
        INDArray e = Transforms.exp(shifted, false);
        INDArray v = e.divi(Shapes.expand(e.sum(true, ax), x.shape()));
        Tensor[] out = new Tensor[1];
        out[0] = record(v, new Tensor[]{a}, g -> {
            Tensor y = out[0];
            Tensor gy = mul(g, y);
            return new Tensor[]{sub(gy, mul(y, Reductions.sum(gy, true, ax)))};
        });
        return out[0];
    }

    /** {@code log(softmax(a))} over one axis, computed stably. */
    static Tensor logSoftmax(Tensor a, int axis) {
        int ax = Shapes.axis(axis, a.rank(), "logSoftmax");
        INDArray x = a.array();
        INDArray shifted = x.sub(Shapes.expand(x.max(true, ax), x.shape()));
        INDArray lse = Transforms.log(Transforms.exp(shifted, true).sum(true, ax), false);
        INDArray v = shifted.subi(Shapes.expand(lse, x.shape()));
        return record(v, new Tensor[]{a}, g -> new Tensor[]{sub(g, mul(softmax(a, ax), Reductions.sum(g, true, ax)))});
    }

    /** {@code log(1 + exp(a))}, computed as {@code max(a, 0) + log1p(exp(-|a|))}; gradient {@code sigmoid(a)}. */
    static Tensor softplus(Tensor a) {
        INDArray x = a.array();
        INDArray v = Transforms.log1p(Transforms.exp(Transforms.abs(x, true).negi(), false), false)
                .addi(Transforms.relu(x, true));
        return record(v, new Tensor[]{a}, g -> new Tensor[]{mul(g, sigmoid(a))});
    }

    /** {@code a > 0 ? a : alpha * (exp(a) - 1)}, as {@code keras.activations.elu} (alpha 1.0 by default). */
    static Tensor elu(Tensor a, double alpha) {
        Tensor positive = new Tensor(a.array().gt(0.0));
        Tensor negativePart = mul(MathOps.sub(MathOps.exp(MathOps.minimum(a, a.scalarLike(0.0))), a.scalarLike(1.0)),
                a.scalarLike(alpha));
        return MathOps.where(positive, a, negativePart);
    }

    /** {@code scale * elu(a, alpha)} with SELU's constants. */
    static Tensor selu(Tensor a) {
        return mul(elu(a, SELU_ALPHA), a.scalarLike(SELU_SCALE));
    }

    /**
     * Gaussian error linear unit, as {@code keras.activations.gelu(x, approximate)}: exactly
     * {@code x/2 (1 + erf(x / sqrt 2))}, or with the tanh approximation.
     */
    static Tensor gelu(Tensor a, boolean approximate) {
        Tensor half = mul(a, a.scalarLike(0.5));
        if (!approximate) {
            return mul(half, MathOps.add(a.scalarLike(1.0), MathOps.erf(mul(a, a.scalarLike(1.0 / Math.sqrt(2.0))))));
        }
        Tensor inner = mul(MathOps.add(a, mul(MathOps.pow(a, 3), a.scalarLike(0.044715))), a.scalarLike(Math.sqrt(2.0 / Math.PI)));
        return mul(half, MathOps.add(a.scalarLike(1.0), tanh(inner)));
    }

    /** {@code a * sigmoid(a)}, as {@code keras.activations.swish} (also named {@code silu}). */
    static Tensor swish(Tensor a) {
        return mul(a, sigmoid(a));
    }

    /** {@code a > 0 ? a : alpha * a}, as {@code keras.activations.leaky_relu} (negative slope 0.2 by default). */
    static Tensor leakyRelu(Tensor a, double alpha) {
        return MathOps.where(new Tensor(a.array().gt(0.0)), a, mul(a, a.scalarLike(alpha)));
    }
}
