package io.orrery.core.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * A convolution with ReLU followed by max pooling, trained as one fused step: ReLU commutes with the max, so the
 * pooling applies it to its output (a quarter of the values for 2x2 pools) and masks the gradient by it, and the
 * convolution skips its own ReLU pass and derivative pass over its full-size output. Same numbers as the two layers
 * one after the other: the same cell is picked wherever the max is positive, and elsewhere both give 0 and no gradient.
 */
public final class ReluMaxPooling implements FusedLayer {

    private final ConvLayer conv;
    private final PoolingLayer pool;
    /** The convolution's pre-activation output of the last forward (a buffer the convolution reuses). */
    private INDArray convOut;

    private ReluMaxPooling(ConvLayer conv, PoolingLayer pool) {
        this.conv = conv;
        this.pool = pool;
    }

    /**
     * The fused step for {@code first} then {@code second}, or null when they are not a ReLU convolution followed by
     * max pooling (or when {@code orrery.layers.noReluPoolFusion} is set, which tests use for the unfused path).
     */
    public static FusedLayer of(Layer first, Layer second) {
        if (Boolean.getBoolean("orrery.layers.noReluPoolFusion")) {
            return null;
        }
        if (first instanceof ConvLayer c && c.activation() == ActivationFunction.RELU
                && second instanceof PoolingLayer p && p.canApplyRelu()) {
            return new ReluMaxPooling(c, p);
        }
        return null;
    }

    /** The convolution binds its own views of the gradient buffer (the pooling has no weights). */
    @Override
    public void bindGradients(List<INDArray> gradientViews) {
        conv.bindGradients(gradientViews);
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        convOut = conv.forward(input, training, true);
        return pool.forward(convOut, training, true);
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        INDArray gradConv = pool.backward(convOut, output, gradOutput, true);
        return conv.backward(input, convOut, gradConv, needInputGradient, true);
    }
}
