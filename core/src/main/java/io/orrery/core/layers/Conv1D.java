package io.orrery.core.layers;

import java.util.Map;

/**
 * 1-D convolution over channels-last sequences, as {@code keras.layers.Conv1D}: inputs {@code (batch, steps,
 * channels)}, outputs {@code (batch, new_steps, filters)}, kernel {@code (k, in, filters)}, bias {@code (filters)}.
 * Padding "valid", "same" or "causal" (output step t sees input steps up to t only: the kernel's span less one
 * zeros before the sequence, as Keras pads for WaveNet-style models).
 */
public final class Conv1D extends ConvLayer {

    public Conv1D(int filters, int kernelSize) {
        this(filters, kernelSize, null);
    }

    public Conv1D(int filters, int kernelSize, String activation) {
        this(filters, new int[]{kernelSize}, new int[]{1}, "valid", new int[]{1}, activation, true, "glorot_uniform", "zeros");
    }

    /** All of Keras's arguments; {@code kernelSize}, {@code strides} and {@code dilationRate} have one value each. */
    public Conv1D(int filters, int[] kernelSize, int[] strides, String padding, int[] dilationRate, String activation,
                  boolean useBias, String kernelInitializer, String biasInitializer) {
        super(1, filters, kernelSize, strides, padding, dilationRate, activation, useBias, kernelInitializer, biasInitializer);
    }

    /** A builder with Keras's defaults, for the arguments beyond filters and kernel size. */
    public static ConvBuilder<Conv1D> builder(int filters, int kernelSize) {
        return new ConvBuilder<>(1, filters, kernelSize, Conv1D::new);
    }

    /** Rebuilds a Conv1D from {@link #getConfig()} (Keras's keys and defaults). */
    public static Conv1D fromConfig(Map<String, Object> config) {
        return ConvBuilder.fromConfig(1, Conv1D::new, config, "Conv1D");
    }
}
