package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The activations Keras names by string. Each has a differentiable form (for the tape) and an in-place form with
 * its derivative (for the fused training path of built-in layers). Most derivatives follow from the activation's
 * output; GELU's and swish's need its input too ({@link #needsPreActivation()}).
 */
public enum ActivationFunction {
    LINEAR("linear", t -> t),
    RELU("relu", Ops::relu),
    SIGMOID("sigmoid", Ops::sigmoid),
    TANH("tanh", Ops::tanh),
    SOFTMAX("softmax", Ops::softmax),
    SOFTPLUS("softplus", Ops::softplus),
    ELU("elu", Ops::elu),
    SELU("selu", Ops::selu),
    GELU("gelu", Ops::gelu),
    SWISH("swish", Ops::swish),
    SILU("silu", Ops::silu),
    LEAKY_RELU("leaky_relu", Ops::leakyRelu);

    /** {@code keras.activations.leaky_relu}'s default negative slope. */
    static final double LEAKY_RELU_SLOPE = 0.2;
    private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    private static final double SELU_SCALE = 1.0507009873554804934193349852946;

    private final String kerasName;
    private final UnaryOperator<Tensor> function;

    ActivationFunction(String kerasName, UnaryOperator<Tensor> function) {
        this.kerasName = kerasName;
        this.function = function;
    }

    public String kerasName() {
        return kerasName;
    }

    /** Applies the activation, recorded on open tapes. */
    public Tensor apply(Tensor x) {
        return function.apply(x);
    }

    /** By Keras name; {@code null} or "linear" mean none. */
    public static ActivationFunction get(String name) {
        if (name == null) {
            return LINEAR;
        }
        for (ActivationFunction f : values()) {
            if (f.kerasName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Unknown activation: expected one of "
                + Arrays.stream(values()).map(ActivationFunction::kerasName).toList() + ", received \"" + name + "\"");
    }

    /** Whether {@link #backwardInPlace(INDArray, INDArray, INDArray)} needs the activation's input. */
    public boolean needsPreActivation() {
        return this == GELU || this == SWISH || this == SILU;
    }

    /** Applies the activation in place to a [batch, units] array. */
    void applyInPlace(INDArray z) {
        switch (this) {
            case RELU -> Transforms.relu(z, false);
            case SIGMOID -> Transforms.sigmoid(z, false);
            case TANH -> Transforms.tanh(z, false);
            case SOFTMAX -> {
                if (z.rank() == 2 && z.ordering() == 'f' && HostLoops.usable(z)) {
                    HostLoops.softmaxRowsColumnMajor(z);
                    return;
                }
                z.subiColumnVector(z.max(true, 1));
                Transforms.exp(z, false);
                z.diviColumnVector(z.sum(true, 1));
            }
            case SOFTPLUS -> {
                INDArray tail = Transforms.log1p(Transforms.exp(Transforms.abs(z, true).negi(), false), false);
                Transforms.relu(z, false).addi(tail);
            }
            case ELU -> elu(z, 1.0);
            case SELU -> elu(z, SELU_ALPHA).muli(SELU_SCALE);
            case GELU -> z.muli(erf(z.mul(1.0 / Math.sqrt(2.0))).addi(1.0).muli(0.5));
            case SWISH, SILU -> z.muli(Transforms.sigmoid(z, true));
            case LEAKY_RELU -> Transforms.leakyRelu(z, LEAKY_RELU_SLOPE, false);
            case LINEAR -> {
            }
        }
    }

    /**
     * Turns the gradient with respect to the activation's output {@code a} into the gradient with respect to its
     * input, in place in {@code grad}. Not for activations that {@link #needsPreActivation()}.
     */
    void backwardInPlace(INDArray a, INDArray grad) {
        backwardInPlace(null, a, grad);
    }

    /**
     * As {@link #backwardInPlace(INDArray, INDArray)}, given also the activation's input {@code z} (which may be
     * null unless {@link #needsPreActivation()}).
     */
    void backwardInPlace(INDArray z, INDArray a, INDArray grad) {
        if (needsPreActivation() && z == null) {
            throw new IllegalStateException("the derivative of " + kerasName + " needs the activation's input; expected the "
                    + "pre-activation array, found null (a layer using " + kerasName + " must keep it from forward)");
        }
        switch (this) {
            case RELU -> {
                if (HostLoops.usable(a, grad)) {
                    HostLoops.reluBackward(a, grad);
                } else {
                    grad.muli(a.gt(0.0).castTo(a.dataType()));
                }
            }
            case SIGMOID -> grad.muli(a.rsub(1.0).muli(a));
            case TANH -> grad.muli(a.mul(a).rsubi(1.0));
            case SOFTMAX -> {
                INDArray dot = grad.mul(a).sum(true, 1);
                grad.subiColumnVector(dot).muli(a);
            }
            // sigmoid(x) = 1 - exp(-softplus(x))
            case SOFTPLUS -> grad.muli(Transforms.exp(a.neg(), false).rsubi(1.0));
            // a > 0 ? 1 : a + alpha
            case ELU -> grad.muli(positiveOr(a, a.add(1.0), 1.0));
            case SELU -> grad.muli(positiveOr(a, a.add(SELU_SCALE * SELU_ALPHA), SELU_SCALE));
            case LEAKY_RELU -> grad.muli(positiveOr(a, Nd4j.valueArrayOf(a.shape(), LEAKY_RELU_SLOPE, a.dataType()), 1.0));
            case GELU -> {
                // Phi(z) + z phi(z)
                INDArray cdf = erf(z.mul(1.0 / Math.sqrt(2.0))).addi(1.0).muli(0.5);
                INDArray pdf = Transforms.exp(z.mul(z).muli(-0.5), false).muli(1.0 / Math.sqrt(2.0 * Math.PI));
                grad.muli(cdf.addi(pdf.muli(z)));
            }
            case SWISH, SILU -> {
                // s + z s (1 - s)
                INDArray s = Transforms.sigmoid(z, true);
                grad.muli(s.rsub(1.0).muli(z).addi(1.0).muli(s));
            }
            case LINEAR -> {
            }
        }
    }

    /** {@code a > 0 ? positive : otherwise}, elementwise, into {@code otherwise}. */
    private static INDArray positiveOr(INDArray a, INDArray otherwise, double positive) {
        INDArray mask = a.gt(0.0).castTo(a.dataType());
        return otherwise.muli(mask.rsub(1.0)).addi(mask.muli(positive));
    }

    /** ELU in place: {@code z > 0 ? z : alpha (exp(z) - 1)}, with no overflow for large positive {@code z}. */
    private static INDArray elu(INDArray z, double alpha) {
        INDArray mask = z.gt(0.0).castTo(z.dataType());
        INDArray negative = Transforms.exp(Transforms.min(z, 0.0, true), false).subi(1.0).muli(alpha);
        return z.muli(mask).addi(negative.muli(mask.rsubi(1.0)));
    }

    private static INDArray erf(INDArray x) {
        return Nd4j.getExecutioner().exec(new Erf(x, x.ulike()));
    }
}
