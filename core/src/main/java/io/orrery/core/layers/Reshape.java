package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reshapes each sample to {@code targetShape} (row-major, one axis may be -1), as {@code keras.layers.Reshape}. */
public final class Reshape extends Layer implements FusedLayer {

    private final long[] targetShape;

    public Reshape(long... targetShape) {
        this.targetShape = targetShape.clone();
    }

    @SuppressWarnings("unchecked")
    public static Reshape fromConfig(Map<String, Object> config) {
        List<Number> dims = (List<Number>) config.get("target_shape");
        Reshape r = new Reshape(dims.stream().mapToLong(Number::longValue).toArray());
        r.setName((String) config.get("name"));
        return r;
    }

    private long[] withBatch(long batch, long[] inputShape) {
        long n = product(inputShape, 1);
        long[] out = new long[targetShape.length + 1];
        out[0] = batch;
        long known = 1;
        int unknown = -1;
        for (int i = 0; i < targetShape.length; i++) {
            out[i + 1] = targetShape[i];
            if (targetShape[i] == -1) {
                unknown = i + 1;
            } else {
                known *= targetShape[i];
            }
        }
        if (unknown > 0) {
            out[unknown] = n / known;
            known *= out[unknown];
        }
        if (known != n) {
            throw new IllegalArgumentException("Reshape " + name() + ": cannot reshape samples of shape "
                    + Arrays.toString(Arrays.copyOfRange(inputShape, 1, inputShape.length)) + " (" + n + " values) to "
                    + Arrays.toString(targetShape));
        }
        return out;
    }

    @Override
    public Tensor call(Tensor inputs) {
        return Ops.reshape(inputs, withBatch(inputs.shape()[0], inputs.shape()));
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        return withBatch(-1, inputShape);
    }

    @Override
    public void bindGradients(List<INDArray> gradientViews) {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        INDArray r = input.dup('c').reshape('c', withBatch(input.size(0), input.shape()));
        return r.rank() == 2 ? r.dup('f') : r;
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        return needInputGradient ? gradOutput.dup('c').reshape('c', input.shape()) : null;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("target_shape", Arrays.stream(targetShape).boxed().toList());
        return config;
    }
}
