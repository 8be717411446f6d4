package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The activations Keras names by string. Each has a differentiable form (for the tape) and an in-place form with
 * its derivative (for the fused training path of built-in layers).
 */
public enum ActivationFunction {
    LINEAR("linear", t -> t),
    RELU("relu", Ops::relu),
    SIGMOID("sigmoid", Ops::sigmoid),
    TANH("tanh", Ops::tanh),
    SOFTMAX("softmax", Ops::softmax);

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
            case LINEAR -> {
            }
        }
    }

    /**
     * Turns the gradient with respect to the activation's output {@code a} into the gradient with respect to its
     * input, in place in {@code grad}.
     */
    void backwardInPlace(INDArray a, INDArray grad) {
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
            case LINEAR -> {
            }
        }
    }
}
