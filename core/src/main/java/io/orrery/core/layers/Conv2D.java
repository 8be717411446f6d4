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
        return ConvBuilder.fromConfig(2, Conv2D::new, config, "Conv2D");
    }
}
