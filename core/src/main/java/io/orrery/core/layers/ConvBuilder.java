package io.orrery.core.layers;

import java.util.Arrays;

/**
 * Keras's keyword arguments for {@link Conv1D} and {@link Conv2D}, with Keras's defaults: strides 1, padding
 * "valid", dilation_rate 1, no activation, use_bias true, glorot_uniform kernel, zeros bias.
 */
public final class ConvBuilder<T extends ConvLayer> {

    /** The layer constructor taking every argument. */
    interface Factory<T> {
        T create(int filters, int[] kernelSize, int[] strides, String padding, int[] dilationRate, String activation,
                 boolean useBias, String kernelInitializer, String biasInitializer);
    }

    private final int rank;
    private final int filters;
    private final Factory<T> factory;
    private int[] kernelSize;
    private int[] strides;
    private int[] dilation;
    private String padding = "valid";
    private String activation;
    private boolean useBias = true;
    private String kernelInitializer = "glorot_uniform";
    private String biasInitializer = "zeros";

    ConvBuilder(int rank, int filters, int kernelSize, Factory<T> factory) {
        this.rank = rank;
        this.filters = filters;
        this.factory = factory;
        this.kernelSize = fill(kernelSize);
        this.strides = fill(1);
        this.dilation = fill(1);
    }

    private int[] fill(int v) {
        int[] a = new int[rank];
        Arrays.fill(a, v);
        return a;
    }

    /** Kernel size per spatial axis. */
    public ConvBuilder<T> kernelSize(int... size) {
        this.kernelSize = size.length == 1 ? fill(size[0]) : size.clone();
        return this;
    }

    public ConvBuilder<T> strides(int... strides) {
        this.strides = strides.length == 1 ? fill(strides[0]) : strides.clone();
        return this;
    }

    public ConvBuilder<T> dilationRate(int... rate) {
        this.dilation = rate.length == 1 ? fill(rate[0]) : rate.clone();
        return this;
    }

    /** "valid" or "same". */
    public ConvBuilder<T> padding(String padding) {
        this.padding = padding;
        return this;
    }

    public ConvBuilder<T> activation(String activation) {
        this.activation = activation;
        return this;
    }

    public ConvBuilder<T> useBias(boolean useBias) {
        this.useBias = useBias;
        return this;
    }

    public ConvBuilder<T> kernelInitializer(String name) {
        this.kernelInitializer = name;
        return this;
    }

    public ConvBuilder<T> biasInitializer(String name) {
        this.biasInitializer = name;
        return this;
    }

    /** The layer; arguments are checked here, with Keras's messages. */
    public T build() {
        return factory.create(filters, kernelSize, strides, padding, dilation, activation, useBias, kernelInitializer,
                biasInitializer);
    }
}
