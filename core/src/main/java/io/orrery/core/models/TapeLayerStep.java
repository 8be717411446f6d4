package io.orrery.core.models;

import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.layers.FusedLayer;
import io.orrery.core.layers.Layer;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs one layer that has no fused form (a user layer) inside the fused training step: its forward pass is recorded
 * on a tape of its own, and its backward pass back-propagates the upstream gradient through that record, writing the
 * weight gradients into the model's flat gradient buffer. The layers around it keep their fused forms.
 */
final class TapeLayerStep implements FusedLayer {

    private final Layer layer;
    private List<INDArray> gradientViews = List.of();
    // The tape's sources, made once per binding rather than per backward pass: the weights, and the weights then
    // the input (its slot set each pass). A binding follows any change of the layer's trainable weights.
    private List<Variable> weights;
    private List<Tensor> weightSources;
    private List<Tensor> weightAndInputSources;
    private GradientTape tape;
    private Tensor in;
    private Tensor out;

    TapeLayerStep(Layer layer) {
        this.layer = layer;
    }

    @Override
    public void bindGradients(List<INDArray> views) {
        this.gradientViews = views;
        this.weights = null;
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        in = new Tensor(input);
        tape = new GradientTape();
        try {
            tape.watch(in);
            out = layer.apply(in, training);
        } finally {
            tape.close();
        }
        return out.array();
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        if (weights == null) {
            weights = layer.trainableWeights();
            weightSources = new ArrayList<>(weights);
            weightAndInputSources = new ArrayList<>(weights);
            weightAndInputSources.add(null);
        }
        List<Tensor> sources = weightSources;
        if (needInputGradient) {
            // the input's gradient only when the layer below needs it: the first layer's would be thrown away
            weightAndInputSources.set(weights.size(), in);
            sources = weightAndInputSources;
        }
        INDArray upstream = gradOutput.shape().length == out.rank() ? gradOutput : gradOutput.reshape(out.shape());
        List<Tensor> grads = tape.gradient(out, sources, new Tensor(upstream));
        for (int i = 0; i < weights.size(); i++) {
            Tensor g = grads.get(i);
            INDArray view = gradientViews.get(i);
            if (g == null || !weights.get(i).trainable()) {
                view.assign(0);
            } else {
                view.assign(g.array());
            }
        }
        tape = null;
        if (!needInputGradient) {
            return null;
        }
        weightAndInputSources.set(weights.size(), null);
        Tensor dx = grads.get(weights.size());
        return dx == null ? input.ulike().assign(0) : dx.array();
    }
}
