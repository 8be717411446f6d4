package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Flattens every axis but the batch axis, as {@code keras.layers.Flatten}: (batch, 28, 28) becomes (batch, 784). */
public final class Flatten extends Layer implements FusedLayer {

    private final Map<String, INDArray> buffers = new HashMap<>();

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

    /**
     * Copies into a reused f-order (batch, features) buffer, the layout the next Dense's product wants; row-major
     * flattening of channels-last data, so the features are in Keras's order.
     */
    @Override
    public INDArray forward(INDArray input, boolean training) {
        long batch = input.size(0);
        INDArray out = buffer("out:" + batch + ":" + input.dataType(), input.dataType(), 'f', batch, product(input.shape(), 1));
        INDArray flat = HostCopy.isCContiguous(input) ? input.reshape('c', batch, out.size(1)) : input.dup('c').reshape('c', batch, out.size(1));
        return out.assign(flat);
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        INDArray dx = buffer("dx:" + input.size(0) + ":" + input.dataType(), input.dataType(), 'c', input.shape());
        dx.reshape('c', gradOutput.shape()).assign(gradOutput);
        return dx;
    }

    private INDArray buffer(String key, DataType type, char order, long... shape) {
        INDArray b = buffers.get(key);
        if (b == null) {
            b = Nd4j.createUninitialized(type, shape, order);
            buffers.put(key, b);
        }
        return b;
    }
}
