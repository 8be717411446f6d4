package io.orrery.core.layers;

import java.util.Arrays;

/**
 * The fused pooling loops over channels-last host arrays, for samples {@code [b0, b1)} of a batch (so that threads can
 * take disjoint samples). One sample's windows are listed once: for each output pixel, the input offsets of its cells
 * inside the input, in (kh, kw) order, each the start of a contiguous run of channels. Same cell order and tie rule
 * (first largest) as the index table of the tape path, so both paths pick the same cell.
 *
 * <p>Each loop is written once for float and once for double buffers, so that neither type pays a conversion per
 * element; the window walk itself is shared (the table).
 */
final class PoolWindows {

    final boolean max;
    final int channels;
    final int inputPerSample;
    final int outputPerSample;
    private final int pixels;
    private final int[] start;
    private final int[] cell;
    private final float[] inverseCount;

    PoolWindows(ConvGeometry g, boolean max) {
        this.max = max;
        this.channels = g.channels();
        this.inputPerSample = g.inputLength(1);
        this.pixels = g.outH() * g.outW();
        this.outputPerSample = pixels * channels;
        this.start = new int[pixels + 1];
        int[] cells = new int[pixels * g.kernelH() * g.kernelW()];
        int n = 0;
        for (int oh = 0, q = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++, q++) {
                start[q] = n;
                for (int kh = 0; kh < g.kernelH(); kh++) {
                    int h = oh * g.strideH() + kh - g.padTop();
                    for (int kw = 0; kw < g.kernelW(); kw++) {
                        int w = ow * g.strideW() + kw - g.padLeft();
                        if (h >= 0 && h < g.inH() && w >= 0 && w < g.inW()) {
                            cells[n++] = (h * g.inW() + w) * channels;
                        }
                    }
                }
            }
        }
        start[pixels] = n;
        this.cell = cells;
        this.inverseCount = new float[pixels];
        for (int q = 0; q < pixels; q++) {
            inverseCount[q] = 1f / (start[q + 1] - start[q]);
        }
    }

    /** Pools samples {@code [b0, b1)}; for max pooling {@code arg} receives each output's input index. */
    void forward(float[] in, float[] out, int[] arg, int b0, int b1) {
        forward(in, out, arg, b0, b1, false);
    }

    /**
     * As {@link #forward(float[], float[], int[], int, int)}, then, with {@code relu} (max pooling only), ReLU on each
     * output: it commutes with the max, so a convolution's ReLU can run here on a quarter of the values. An output
     * that is not positive gets {@code arg} -1, so backward passes it no gradient, as ReLU's derivative.
     */
    void forward(float[] in, float[] out, int[] arg, int b0, int b1, boolean relu) {
        int c = channels;
        for (int b = b0; b < b1; b++) {
            int inBase = b * inputPerSample;
            for (int q = 0, o = b * outputPerSample; q < pixels; q++, o += c) {
                int first = inBase + cell[start[q]];
                for (int k = 0; k < c; k++) {
                    out[o + k] = in[first + k];
                    arg[o + k] = first + k;
                }
                for (int j = start[q] + 1; j < start[q + 1]; j++) {
                    int base = inBase + cell[j];
                    for (int k = 0; k < c; k++) {
                        float v = in[base + k];
                        if (!max) {
                            out[o + k] += v;
                        } else if (v > out[o + k]) {
                            out[o + k] = v;
                            arg[o + k] = base + k;
                        }
                    }
                }
                if (relu) {
                    reluWithMask(out, arg, o, c);
                }
                if (!max) {
                    float inv = inverseCount[q];
                    for (int k = 0; k < c; k++) {
                        out[o + k] *= inv;
                    }
                }
            }
        }
    }

    void forward(double[] in, double[] out, int[] arg, int b0, int b1) {
        forward(in, out, arg, b0, b1, false);
    }

    void forward(double[] in, double[] out, int[] arg, int b0, int b1, boolean relu) {
        int c = channels;
        for (int b = b0; b < b1; b++) {
            int inBase = b * inputPerSample;
            for (int q = 0, o = b * outputPerSample; q < pixels; q++, o += c) {
                int first = inBase + cell[start[q]];
                for (int k = 0; k < c; k++) {
                    out[o + k] = in[first + k];
                    arg[o + k] = first + k;
                }
                for (int j = start[q] + 1; j < start[q + 1]; j++) {
                    int base = inBase + cell[j];
                    for (int k = 0; k < c; k++) {
                        double v = in[base + k];
                        if (!max) {
                            out[o + k] += v;
                        } else if (v > out[o + k]) {
                            out[o + k] = v;
                            arg[o + k] = base + k;
                        }
                    }
                }
                if (relu) {
                    reluWithMask(out, arg, o, c);
                }
                if (!max) {
                    double inv = 1.0 / (start[q + 1] - start[q]);
                    for (int k = 0; k < c; k++) {
                        out[o + k] *= inv;
                    }
                }
            }
        }
    }

    /** The input gradient of samples {@code [b0, b1)} into {@code dx} (overwritten there) from the output's. */
    void backward(float[] go, float[] dx, int[] arg, int b0, int b1) {
        Arrays.fill(dx, b0 * inputPerSample, b1 * inputPerSample, 0f);
        if (max) {
            for (int o = b0 * outputPerSample, end = b1 * outputPerSample; o < end; o++) {
                int a = arg[o];
                if (a >= 0) {
                    dx[a] += go[o];
                }
            }
            return;
        }
        int c = channels;
        for (int b = b0; b < b1; b++) {
            int inBase = b * inputPerSample;
            for (int q = 0, o = b * outputPerSample; q < pixels; q++, o += c) {
                float inv = inverseCount[q];
                for (int j = start[q]; j < start[q + 1]; j++) {
                    int base = inBase + cell[j];
                    for (int k = 0; k < c; k++) {
                        dx[base + k] += go[o + k] * inv;
                    }
                }
            }
        }
    }

    void backward(double[] go, double[] dx, int[] arg, int b0, int b1) {
        Arrays.fill(dx, b0 * inputPerSample, b1 * inputPerSample, 0.0);
        if (max) {
            for (int o = b0 * outputPerSample, end = b1 * outputPerSample; o < end; o++) {
                int a = arg[o];
                if (a >= 0) {
                    dx[a] += go[o];
                }
            }
            return;
        }
        int c = channels;
        for (int b = b0; b < b1; b++) {
            int inBase = b * inputPerSample;
            for (int q = 0, o = b * outputPerSample; q < pixels; q++, o += c) {
                double inv = 1.0 / (start[q + 1] - start[q]);
                for (int j = start[q]; j < start[q + 1]; j++) {
                    int base = inBase + cell[j];
                    for (int k = 0; k < c; k++) {
                        dx[base + k] += go[o + k] * inv;
                    }
                }
            }
        }
    }

    /** ReLU as {@link HostLoops#relu} (NaN stays), and arg -1 where its derivative is 0 (output not positive). */
    private static void reluWithMask(float[] out, int[] arg, int o, int c) {
        for (int k = o; k < o + c; k++) {
            float m = out[k];
            if (m < 0f) {
                out[k] = 0f;
            }
            if (!(m > 0f)) {
                arg[k] = -1;
            }
        }
    }

    private static void reluWithMask(double[] out, int[] arg, int o, int c) {
        for (int k = o; k < o + c; k++) {
            double m = out[k];
            if (m < 0.0) {
                out[k] = 0.0;
            }
            if (!(m > 0.0)) {
                arg[k] = -1;
            }
        }
    }
}
