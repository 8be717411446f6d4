package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/** Flattens every axis but the batch axis, as {@code keras.layers.Flatten}: (batch, 28, 28) becomes (batch, 784). */
public final class Flatten extends Layer implements FusedLayer {

    public static Flatten fromConfig(Map<String, Object> config) {
        Flatten f = new Flatten();
        f.setName((String) config.get("name"));
        return f;
    }

    @Override
    public Tensor call(Tensor inputs) {
        return Ops.reshape(inputs, inputs.shape()[0], product(inputs.shape(), 1));
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        return new long[]{inputShape[0], product(inputShape, 1)};
    }

    @Override
    public void bindGradients(List<INDArray> gradientViews) {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        return input.reshape('c', input.size(0), product(input.shape(), 1)).dup('f');
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        return needInputGradient ? gradOutput.dup('c').reshape('c', input.shape()) : null;
    }
}
