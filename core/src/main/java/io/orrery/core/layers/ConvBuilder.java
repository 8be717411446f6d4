package io.orrery.core.layers;

import java.util.Arrays;
import java.util.Map;

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

    /** "valid" or "same" ("causal" too for Conv1D). */
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

    /**
     * Rebuilds a layer of this rank from its {@code getConfig()}, with Keras's keys and defaults (one place for both
     * Conv1D and Conv2D, so that a new argument is read the same way for both).
     */
    static <T extends ConvLayer> T fromConfig(int rank, Factory<T> factory, Map<String, Object> config, String kind) {
        ConvBuilder<T> b = new ConvBuilder<>(rank, ((Number) config.get("filters")).intValue(), 1, factory);
        b.kernelSize = Tuples.of(config.get("kernel_size"), rank, kind, "kernel_size");
        b.strides = Tuples.of(config.getOrDefault("strides", 1), rank, kind, "strides");
        b.dilation = Tuples.of(config.getOrDefault("dilation_rate", 1), rank, kind, "dilation_rate");
        b.padding = (String) config.getOrDefault("padding", "valid");
        b.activation = (String) config.get("activation");
        b.useBias = (Boolean) config.getOrDefault("use_bias", true);
        b.kernelInitializer = (String) config.getOrDefault("kernel_initializer", "glorot_uniform");
        b.biasInitializer = (String) config.getOrDefault("bias_initializer", "zeros");
        Tuples.channelsLast(config.get("data_format"), kind);
        T layer = b.build();
        layer.setName((String) config.get("name"));
        return layer;
    }

    /** The layer; arguments are checked here, with Keras's messages. */
    public T build() {
        return factory.create(filters, kernelSize, strides, padding, dilation, activation, useBias, kernelInitializer,
                biasInitializer);
    }
}
