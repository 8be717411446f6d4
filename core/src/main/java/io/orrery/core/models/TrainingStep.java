package io.orrery.core.models;

import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.layers.ActivationFunction;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.FusedLayer;
import io.orrery.core.layers.Layer;
import io.orrery.core.layers.ReluMaxPooling;
import io.orrery.core.losses.CategoricalCrossentropy;
import io.orrery.core.losses.Loss;
import io.orrery.core.losses.SparseCategoricalCrossentropy;
import io.orrery.core.metrics.Metric;
import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Forward and backward of one batch into the model's flat gradient buffer.
 *
 * <p>Layer by layer, by capability: a layer that implements {@link FusedLayer} (all built-in layers do) runs forward
 * and backward on reused buffers and writes its weight gradients straight into the flat buffer; any other layer (a
 * user layer) runs through a {@link TapeLayerStep}, which records its {@code call} on a tape and back-propagates the
 * upstream gradient through it. The first layer's input gradient is never computed, and a final softmax with a
 * cross-entropy loss is fused into the exact {@code (p - y) / batch}.
 */
final class TrainingStep {

    private final List<Layer> layers;
    private final Loss loss;
    private final ParameterLayout layout;
    private final FusedLayer[] steps;
    private final boolean fusedCrossEntropy;
    private final boolean sparseTargets;
    private final INDArray[] activations;

    TrainingStep(Sequential model, List<Layer> layers, Loss loss, ParameterLayout layout) {
        this.layers = layers;
        this.loss = loss;
        this.layout = layout;
        this.steps = steps(layers, layout);
        this.activations = new INDArray[steps.length + 1];
        Layer last = layers.get(layers.size() - 1);
        boolean crossEntropy = loss instanceof SparseCategoricalCrossentropy || loss instanceof CategoricalCrossentropy;
        boolean fromLogits = loss instanceof SparseCategoricalCrossentropy s ? s.fromLogits()
                : loss instanceof CategoricalCrossentropy c && c.fromLogits();
        boolean endsInSoftmax = last instanceof Dense d && (fromLogits ? d.activation() == ActivationFunction.LINEAR
                : d.activation() == ActivationFunction.SOFTMAX);
        this.fusedCrossEntropy = crossEntropy && endsInSoftmax && !fromLogits
                && loss.reduction() == Loss.Reduction.SUM_OVER_BATCH_SIZE;
        this.sparseTargets = loss instanceof SparseCategoricalCrossentropy;
    }

    /** Whether every layer has a fused form (then inference needs no tape either). */
    static boolean fusable(List<Layer> layers) {
        for (Layer layer : layers) {
            if (!(layer instanceof FusedLayer)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Each layer's fused form, or a tape step bound to the layer's views of the flat gradient buffer; a ReLU
     * convolution followed by max pooling becomes one step ({@link ReluMaxPooling}), so there may be fewer steps
     * than layers.
     */
    private static FusedLayer[] steps(List<Layer> layers, ParameterLayout layout) {
        List<FusedLayer> steps = new ArrayList<>();
        int w = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            FusedLayer pair = i + 1 < layers.size() ? ReluMaxPooling.of(layer, layers.get(i + 1)) : null;
            if (pair != null) {
                steps.add(pair);
                w += layer.trainableWeights().size() + layers.get(i + 1).trainableWeights().size();
                i++;
                continue;
            }
            if (layer instanceof FusedLayer f) {
                steps.add(f);
            } else {
                TapeLayerStep step = new TapeLayerStep(layer);
                List<INDArray> views = new ArrayList<>();
                for (int k = 0; k < layer.trainableWeights().size(); k++) {
                    views.add(layout.gradientView(w + k));
                }
                step.bindGradients(views);
                steps.add(step);
            }
            w += layer.trainableWeights().size();
        }
        return steps.toArray(new FusedLayer[0]);
    }

    /** Fills the gradient buffer for one batch and returns the loss; metrics are updated with the predictions. */
    double run(INDArray x, INDArray y, List<Metric> metrics) {
        return runFused(x, y, metrics);
    }

    private double runFused(INDArray x, INDArray y, List<Metric> metrics) {
        INDArray a = x.rank() == 2 && x.ordering() != 'f' ? x.dup('f') : x;
        activations[0] = a;
        for (int i = 0; i < steps.length; i++) {
            a = steps[i].forward(a, true);
            activations[i + 1] = a;
        }
        INDArray output = activations[steps.length];
        int lastIndex = steps.length - 1;
        double lossValue;
        INDArray grad;
        // metrics see the predictions only after the loss has checked the targets, so bad targets get the loss's message
        if (fusedCrossEntropy) {
            if (sparseTargets) {
                labels(y, (int) output.size(0), (int) output.size(1));
            } else {
                argmaxRows(y, (int) output.size(0), (int) output.size(1));
            }
            for (Metric m : metrics) {
                m.updateState(y, output);
            }
            lossValue = crossEntropyGradientInPlace(output, y);
            grad = ((Dense) steps[lastIndex]).backwardFromPreActivation(activations[lastIndex], output, lastIndex > 0);
        } else {
            Tensor pred = new Tensor(output);
            Tensor lossTensor;
            Tensor dOut;
            try (GradientTape tape = new GradientTape()) {
                tape.watch(pred);
                lossTensor = loss.call(new Tensor(y), pred);
                dOut = tape.gradient(lossTensor, pred);
            }
            lossValue = lossTensor.item();
            for (Metric m : metrics) {
                m.updateState(y, output);
            }
            grad = steps[lastIndex].backward(activations[lastIndex], output, dOut.array().dup('f'), lastIndex > 0);
        }
        for (int i = lastIndex - 1; i >= 0; i--) {
            grad = steps[i].backward(activations[i], activations[i + 1], grad, i > 0);
        }
        return lossValue;
    }

    /**
     * Turns softmax probabilities [batch, classes] (f-order) into {@code (p - onehot(y)) / batch} in place and returns
     * the mean cross-entropy, with probabilities clipped at epsilon as Keras does for the loss value.
     */
    private double crossEntropyGradientInPlace(INDArray probs, INDArray y) {
        int batch = (int) probs.size(0);
        int classes = (int) probs.size(1);
        int[] labels = sparseTargets ? labels(y, batch, classes) : argmaxRows(y, batch, classes);
        // soft one-hot targets (label smoothing): the loss is -sum(y log p) over all classes, not only the argmax class
        double softLossSum = sparseTargets ? 0 : -Transforms.log(
                Transforms.min(Transforms.max(probs, Loss.EPSILON, true),
                        1 - Loss.EPSILON, false), false).muli(y.castTo(probs.dataType())).sumNumber().doubleValue();
        double lossSum = 0;
        double invBatch = 1.0 / batch;
        if (probs.dataType() == DataType.FLOAT && probs.ordering() == 'f' && probs.offset() == 0) {
            // one pass over host memory: loss terms, p - onehot, and the 1/batch scale (no ND4J ops)
            FloatBuffer buffer = probs.data().asNioFloat();
            float[] p = new float[batch * classes];
            buffer.get(0, p, 0, p.length);
            for (int i = 0; i < batch; i++) {
                int idx = i + batch * labels[i];
                lossSum -= Math.log(Math.min(Math.max(p[idx], Loss.EPSILON), 1 - Loss.EPSILON));
                p[idx] -= 1f;
            }
            float scale = (float) invBatch;
            for (int k = 0; k < p.length; k++) {
                p[k] *= scale;
            }
            buffer.put(0, p, 0, p.length);
        } else {
            for (int i = 0; i < batch; i++) {
                double pi = probs.getDouble(i, labels[i]);
                lossSum -= Math.log(Math.min(Math.max(pi, Loss.EPSILON), 1 - Loss.EPSILON));
                probs.putScalar(i, labels[i], pi - 1);
            }
            probs.muli(invBatch);
        }
        if (!sparseTargets) {
            // one-hot targets that are not exactly one-hot (label smoothing) need the general form p - y
            INDArray oneHot = y.castTo(probs.dataType());
            INDArray exact = Ops.oneHot(Nd4j.createFromArray(labels), classes, probs.dataType()).array();
            probs.addi(exact.subi(oneHot).muli(invBatch));
            lossSum = softLossSum;
        }
        return lossSum * invBatch;
    }

    private static int[] labels(INDArray y, int batch, int classes) {
        if (y.length() != batch) {
            throw new IllegalArgumentException("sparse_categorical_crossentropy: expected " + batch
                    + " class indices (shape (batch,) or (batch, 1)), found targets of shape " + Arrays.toString(y.shape()));
        }
        double[] values = y.reshape(batch).toDoubleVector();
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            int k = (int) values[i];
            if (k != values[i] || k < 0 || k >= classes) {
                throw new IllegalArgumentException("label " + values[i] + " in the batch is not a class index in [0, " + classes
                        + "); the model has " + classes + " outputs: check the labels or the last layer's units");
            }
            labels[i] = k;
        }
        return labels;
    }

    private static int[] argmaxRows(INDArray y, int batch, int classes) {
        if (y.rank() != 2 || y.size(0) != batch || y.size(1) != classes) {
            throw new IllegalArgumentException("categorical_crossentropy: expected one-hot targets of shape (" + batch + ", "
                    + classes + "), found " + Arrays.toString(y.shape()));
        }
        return y.argMax(1).toIntVector();
    }
}
