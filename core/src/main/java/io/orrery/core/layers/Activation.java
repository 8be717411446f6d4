package io.orrery.core.layers;

import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/** Applies an activation function, as {@code keras.layers.Activation("relu")}. */
public final class Activation extends Layer implements FusedLayer {

    private final ActivationFunction function;

    public Activation(String activation) {
        this.function = ActivationFunction.get(activation);
    }

    public static Activation fromConfig(Map<String, Object> config) {
        Activation a = new Activation((String) config.get("activation"));
        a.setName((String) config.get("name"));
        return a;
    }

    @Override
    public Tensor call(Tensor inputs) {
        return function.apply(inputs);
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        return inputShape.clone();
    }

    @Override
    public void bindGradients(List<INDArray> gradientViews) {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        INDArray out = input.dup(input.ordering());
        function.applyInPlace(out);
        return out;
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        function.backwardInPlace(input, output, gradOutput);
        return gradOutput;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("activation", function.kerasName());
        return config;
    }
}
