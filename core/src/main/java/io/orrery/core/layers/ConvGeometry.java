package io.orrery.core.layers;

import java.util.Arrays;

/**
 * Where a sliding window (a convolution kernel or a pooling window) falls on a channels-last input: output sizes and
 * the padding before each spatial axis, as TensorFlow computes them for {@code padding="valid"} and {@code "same"},
 * and as Keras's Conv1D does for {@code "causal"} (the whole span less one before each step, none after, so output t
 * sees inputs up to t only). One-dimensional layers use it with a height of 1, where causal padding has no effect on
 * the height axis.
 */
record ConvGeometry(int inH, int inW, int channels, int kernelH, int kernelW, int strideH, int strideW,
                    int dilationH, int dilationW, int padTop, int padLeft, int outH, int outW) {

    /** Builds the geometry; {@code padding} is "valid", "same" or "causal". */
    static ConvGeometry of(int inH, int inW, int channels, int[] kernel, int[] strides, int[] dilation, String padding,
                           String layerName) {
        int[] out = new int[2];
        int[] before = new int[2];
        int[] in = {inH, inW};
        for (int a = 0; a < 2; a++) {
            int span = (kernel[a] - 1) * dilation[a] + 1;
            if ("causal".equals(padding)) {
                before[a] = span - 1;
                out[a] = (in[a] - 1) / strides[a] + 1;
            } else if ("same".equals(padding)) {
                out[a] = (in[a] + strides[a] - 1) / strides[a];
                int total = Math.max((out[a] - 1) * strides[a] + span - in[a], 0);
                before[a] = total / 2;
            } else {
                out[a] = in[a] >= span ? (in[a] - span) / strides[a] + 1 : 0;
            }
            if (out[a] <= 0) {
                throw new IllegalArgumentException(layerName + ": the window (size " + Arrays.toString(kernel) + ", dilation "
                        + Arrays.toString(dilation) + ") does not fit inputs of spatial size " + Arrays.toString(in)
                        + " with padding \"" + padding + "\"; use padding=\"same\", a smaller kernel, or larger inputs");
            }
        }
        return new ConvGeometry(inH, inW, channels, kernel[0], kernel[1], strides[0], strides[1], dilation[0], dilation[1],
                before[0], before[1], out[0], out[1]);
    }

    /** Window positions per output pixel. */
    int windowSize() {
        return kernelH * kernelW;
    }

    /** Length of one patch row of im2col: kernelH * kernelW * channels. */
    int patchLength() {
        return kernelH * kernelW * channels;
    }

    int inputLength(int batch) {
        return batch * inH * inW * channels;
    }

    /**
     * For each output pixel (b, oh, ow) in row-major order, each window position (kh, kw) and each channel c, the
     * index of the input value in a c-order (batch, inH, inW, channels) array, or -1 where the window lies in padding:
     * the im2col map, rows of {@link #patchLength()} in (kh, kw, c) order, as Keras's kernel layout.
     */
    int[] patchIndex(int batch) {
        int[] idx = new int[batch * outH * outW * patchLength()];
        int j = 0;
        for (int b = 0; b < batch; b++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    for (int kh = 0; kh < kernelH; kh++) {
                        int h = oh * strideH + kh * dilationH - padTop;
                        for (int kw = 0; kw < kernelW; kw++) {
                            int w = ow * strideW + kw * dilationW - padLeft;
                            boolean inside = h >= 0 && h < inH && w >= 0 && w < inW;
                            int base = ((b * inH + h) * inW + w) * channels;
                            for (int c = 0; c < channels; c++) {
                                idx[j++] = inside ? base + c : -1;
                            }
                        }
                    }
                }
            }
        }
        return idx;
    }

    /**
     * For pooling: for each output value (b, oh, ow, c) in row-major order and each window position (kh, kw), the
     * input index or -1 in padding; rows of {@link #windowSize()}.
     */
    int[] windowIndex(int batch) {
        int p = windowSize();
        int[] idx = new int[batch * outH * outW * channels * p];
        int j = 0;
        for (int b = 0; b < batch; b++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    for (int c = 0; c < channels; c++) {
                        for (int kh = 0; kh < kernelH; kh++) {
                            int h = oh * strideH + kh * dilationH - padTop;
                            for (int kw = 0; kw < kernelW; kw++) {
                                int w = ow * strideW + kw * dilationW - padLeft;
                                boolean inside = h >= 0 && h < inH && w >= 0 && w < inW;
                                idx[j++] = inside ? ((b * inH + h) * inW + w) * channels + c : -1;
                            }
                        }
                    }
                }
            }
        }
        return idx;
    }
}
