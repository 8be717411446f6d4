package io.orrery.core.layers;

import java.util.Map;

/**
 * 2-D convolution over channels-last images, as {@code keras.layers.Conv2D}: inputs {@code (batch, height, width,
 * channels)}, outputs {@code (batch, new_height, new_width, filters)}, kernel {@code (kh, kw, in, filters)} (glorot
 * uniform), bias {@code (filters)} (zeros). Padding "valid" (default) or "same"; strides and dilation_rate, not both
 * above 1.
 *
 * <pre>{@code
 * new Conv2D(32, 3, "relu")                                    // Conv2D(32, 3, activation="relu")
 * Conv2D.builder(64, 3).strides(2).padding("same").build()
 * }</pre>
 */
public final class Conv2D extends ConvLayer {

    /** {@code Conv2D(filters, kernel_size)}: square kernel, stride 1, valid padding, no activation. */
    public Conv2D(int filters, int kernelSize) {
        this(filters, kernelSize, null);
    }

    /** {@code Conv2D(filters, kernel_size, activation=...)}. */
    public Conv2D(int filters, int kernelSize, String activation) {
        this(filters, new int[]{kernelSize, kernelSize}, new int[]{1, 1}, "valid", new int[]{1, 1}, activation, true,
                "glorot_uniform", "zeros");
    }

    /** All of Keras's arguments; {@code kernelSize}, {@code strides} and {@code dilationRate} have two values each. */
    public Conv2D(int filters, int[] kernelSize, int[] strides, String padding, int[] dilationRate, String activation,
                  boolean useBias, String kernelInitializer, String biasInitializer) {
        super(2, filters, kernelSize, strides, padding, dilationRate, activation, useBias, kernelInitializer, biasInitializer);
    }

    /** A builder with Keras's defaults, for the arguments beyond filters and kernel size. */
    public static ConvBuilder<Conv2D> builder(int filters, int kernelSize) {
        return new ConvBuilder<>(2, filters, kernelSize, Conv2D::new);
    }

    /** Rebuilds a Conv2D from {@link #getConfig()} (Keras's keys and defaults). */
    public static Conv2D fromConfig(Map<String, Object> config) {
        Conv2D c = new Conv2D(((Number) config.get("filters")).intValue(),
                Tuples.of(config.get("kernel_size"), 2, "Conv2D", "kernel_size"),
                Tuples.of(config.getOrDefault("strides", 1), 2, "Conv2D", "strides"),
                (String) config.getOrDefault("padding", "valid"),
                Tuples.of(config.getOrDefault("dilation_rate", 1), 2, "Conv2D", "dilation_rate"),
                (String) config.get("activation"), (Boolean) config.getOrDefault("use_bias", true),
                (String) config.getOrDefault("kernel_initializer", "glorot_uniform"),
                (String) config.getOrDefault("bias_initializer", "zeros"));
        Tuples.channelsLast(config.get("data_format"), "Conv2D");
        c.setName((String) config.get("name"));
        return c;
    }
}
