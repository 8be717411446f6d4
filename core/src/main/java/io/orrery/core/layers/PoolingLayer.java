package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the max and average pooling layers share, local ({@link MaxPooling2D}, {@link MaxPooling1D},
 * {@link AveragePooling2D}) and global ({@link GlobalAveragePooling2D} and the others: a window over the whole input
 * and no spatial axes left). Channels last. As TensorFlow, windows partly in "same" padding take the max over, or
 * average over, their cells inside the input only.
 *
 * <p>Both paths use one table per batch size: for each output value, the input cells of its window. The max picks
 * the first largest cell (the tape gathers it; the fused path remembers it for the backward scatter).
 *
 * <p>This file is over 400 lines because its hot loops (the window scan, the argmax, the average backward) are
 * written once for float and once for double buffers, so that neither data type pays a conversion per element.
 */
abstract class PoolingLayer extends Layer implements FusedLayer {

    final int rank;
    final boolean max;
    final boolean global;
    final int[] poolSize;
    final int[] strides;
    final String padding;

    private ConvGeometry geometry;
    private final Map<Integer, int[]> windows = new HashMap<>();
    private final Map<Integer, float[]> counts = new HashMap<>();
    private final Map<String, BatchState> states = new HashMap<>();

    /** A local pooling layer; {@code strides == null} means the pool size, as in Keras. */
    PoolingLayer(int rank, boolean max, Object poolSize, Object strides, String padding) {
        String kind = getClass().getSimpleName();
        this.rank = rank;
        this.max = max;
        this.global = false;
        this.poolSize = Tuples.of(poolSize, rank, kind, "pool_size");
        this.strides = strides == null ? this.poolSize.clone() : Tuples.of(strides, rank, kind, "strides");
        this.padding = Tuples.padding(padding, kind);
    }

    /** A global pooling layer. */
    PoolingLayer(int rank, boolean max) {
        this.rank = rank;
        this.max = max;
        this.global = true;
        this.poolSize = null;
        this.strides = null;
        this.padding = "valid";
    }

    private ConvGeometry geometryFor(long[] inputShape) {
        if (inputShape.length != rank + 2) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " " + name() + " expects inputs of shape "
                    + (rank == 2 ? "(batch, height, width, channels)" : "(batch, steps, channels)") + ", found "
                    + HostCopy.shape(inputShape));
        }
        int h = rank == 2 ? (int) inputShape[1] : 1;
        int w = (int) inputShape[rank];
        int c = (int) inputShape[rank + 1];
        int[] one = {1, 1};
        int[] window = global ? new int[]{h, w} : rank == 2 ? poolSize : new int[]{1, poolSize[0]};
        int[] step = global ? one : rank == 2 ? strides : new int[]{1, strides[0]};
        return ConvGeometry.of(h, w, c, window, step, one, padding, getClass().getSimpleName() + " " + name());
    }

    @Override
    protected void build(long[] inputShape) {
        geometry = geometryFor(inputShape);
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        ensureBuilt(inputShape);
        return outputShape(inputShape[0], geometryFor(inputShape));
    }

    private long[] outputShape(long batch, ConvGeometry g) {
        if (global) {
            return new long[]{batch, g.channels()};
        }
        return rank == 2 ? new long[]{batch, g.outH(), g.outW(), g.channels()} : new long[]{batch, g.outW(), g.channels()};
    }

    private void checkInput(long[] shape) {
        long[] built = builtInputShape();
        boolean ok = shape.length == built.length;
        for (int i = 1; ok && i < shape.length; i++) {
            ok = shape[i] == built[i];
        }
        if (!ok) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " " + name() + " expects inputs of shape "
                    + HostCopy.shape(built) + " (batch axis -1), found " + HostCopy.shape(shape));
        }
    }

    private int[] window(int batch) {
        return windows.computeIfAbsent(batch, geometry::windowIndex);
    }

    /** How many window cells are inside the input, per output value (they differ only with "same" padding). */
    private float[] counts(int batch) {
        return counts.computeIfAbsent(batch, b -> {
            int[] idx = window(b);
            int p = geometry.windowSize();
            float[] c = new float[idx.length / p];
            for (int o = 0; o < c.length; o++) {
                for (int k = 0; k < p; k++) {
                    if (idx[o * p + k] >= 0) {
                        c[o]++;
                    }
                }
            }
            return c;
        });
    }

    /** For each output value, the input index of the first largest cell of its window. */
    private static int[] argmax(int[] idx, int p, float[] x, int[] out) {
        for (int o = 0; o < out.length; o++) {
            int best = -1;
            float bestValue = 0f;
            for (int k = o * p, end = k + p; k < end; k++) {
                int i = idx[k];
                if (i >= 0 && (best < 0 || x[i] > bestValue)) {
                    best = i;
                    bestValue = x[i];
                }
            }
            out[o] = best;
        }
        return out;
    }

    private static int[] argmax(int[] idx, int p, double[] x, int[] out) {
        for (int o = 0; o < out.length; o++) {
            int best = -1;
            double bestValue = 0;
            for (int k = o * p, end = k + p; k < end; k++) {
                int i = idx[k];
                if (i >= 0 && (best < 0 || x[i] > bestValue)) {
                    best = i;
                    bestValue = x[i];
                }
            }
            out[o] = best;
        }
        return out;
    }

    // ---------------------------------------------------------------- tape path

    @Override
    public Tensor call(Tensor inputs) {
        checkInput(inputs.shape());
        int batch = (int) inputs.shape()[0];
        long[] outShape = outputShape(batch, geometry);
        int[] idx = window(batch);
        int p = geometry.windowSize();
        int outputs = idx.length / p;
        int inLength = geometry.inputLength(batch);
        if (max) {
            int[] arg = argmax(idx, p, HostCopy.valuesC(inputs.array()), new int[outputs]);
            return GatherOps.gather(inputs, GatherPlan.of(arg, inLength), outShape);
        }
        GatherPlan plan = GatherPlan.of(idx, inLength);
        Tensor cells = GatherOps.gather(inputs, plan, outputs, p);
        float[] c = counts(batch);
        double[] inv = new double[c.length];
        for (int o = 0; o < c.length; o++) {
            inv[o] = 1.0 / c[o];
        }
        Tensor scale = new Tensor(Nd4j.create(inv, new long[]{outputs}, inputs.dataType()));
        return Ops.reshape(Ops.mul(Ops.sum(cells, false, 1), scale), outShape);
    }

    // ---------------------------------------------------------------- fused path

    private static final class BatchState {
        INDArray out;
        INDArray dx;
        INDArray inputCopy;
        INDArray gradCopy;
        int[] arg;
        float[] inF;
        float[] outF;
        double[] inD;
        double[] outD;
    }

    private BatchState state(INDArray input, long[] outShape) {
        String key = input.size(0) + ":" + input.dataType();
        BatchState s = states.get(key);
        if (s == null) {
            s = new BatchState();
            s.out = Nd4j.createUninitialized(input.dataType(), outShape, 'c');
            s.arg = new int[(int) s.out.length()];
            states.put(key, s);
        }
        return s;
    }

    @Override
    public void bindGradients(List<INDArray> gradientViews) {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        checkInput(input.shape());
        HostCopy.checkType(input, name());
        int batch = (int) input.size(0);
        BatchState s = state(input, outputShape(batch, geometry));
        INDArray x = input;
        if (!HostCopy.isCContiguous(x)) {
            if (s.inputCopy == null) {
                s.inputCopy = Nd4j.createUninitialized(input.dataType(), input.shape(), 'c');
            }
            x = s.inputCopy.assign(input);
        }
        int n = s.arg.length;
        if (x.dataType() == DataType.FLOAT) {
            float[] in = s.inF = HostCopy.read(x, s.inF);
            float[] out = s.outF == null ? s.outF = new float[n] : s.outF;
            poolForward(in, out, s.arg, batch);
            HostCopy.write(out, s.out);
        } else {
            double[] in = s.inD = HostCopy.read(x, s.inD);
            double[] out = s.outD == null ? s.outD = new double[n] : s.outD;
            poolForward(in, out, s.arg, batch);
            HostCopy.write(out, s.out);
        }
        return s.out;
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        int batch = (int) input.size(0);
        BatchState s = state(input, outputShape(batch, geometry));
        INDArray g = gradOutput;
        if (!HostCopy.isCContiguous(g)) {
            if (s.gradCopy == null) {
                s.gradCopy = Nd4j.createUninitialized(gradOutput.dataType(), s.out.shape(), 'c');
            }
            g = s.gradCopy.assign(gradOutput);
        }
        if (s.dx == null) {
            s.dx = Nd4j.createUninitialized(input.dataType(), input.shape(), 'c');
        }
        int n = s.arg.length;
        int inLength = (int) s.dx.length();
        if (g.dataType() == DataType.FLOAT) {
            float[] go = s.outF = HostCopy.read(g, s.outF);
            float[] dx = s.inF;
            Arrays.fill(dx, 0, inLength, 0f);
            if (max) {
                for (int o = 0; o < n; o++) {
                    dx[s.arg[o]] += go[o];
                }
            } else {
                averageBackward(go, dx, batch);
            }
            HostCopy.write(dx, s.dx);
        } else {
            double[] go = s.outD = HostCopy.read(g, s.outD);
            double[] dx = s.inD;
            Arrays.fill(dx, 0, inLength, 0.0);
            if (max) {
                for (int o = 0; o < n; o++) {
                    dx[s.arg[o]] += go[o];
                }
            } else {
                averageBackward(go, dx, batch);
            }
            HostCopy.write(dx, s.dx);
        }
        return s.dx;
    }

    /*
     * The fused loops walk the windows directly (no index table): for each output pixel, its window's cells in
     * (kh, kw) order, each a contiguous run of channels in channels-last memory. Same cell order and tie rule (first
     * largest) as the table the tape path uses, so both paths pick the same cell.
     */

    private void poolForward(float[] in, float[] out, int[] arg, int batch) {
        ConvGeometry g = geometry;
        int c = g.channels();
        for (int b = 0, o = 0; b < batch; b++) {
            for (int oh = 0; oh < g.outH(); oh++) {
                for (int ow = 0; ow < g.outW(); ow++, o += c) {
                    int cells = 0;
                    for (int kh = 0; kh < g.kernelH(); kh++) {
                        int h = oh * g.strideH() + kh - g.padTop();
                        if (h < 0 || h >= g.inH()) {
                            continue;
                        }
                        for (int kw = 0; kw < g.kernelW(); kw++) {
                            int w = ow * g.strideW() + kw - g.padLeft();
                            if (w < 0 || w >= g.inW()) {
                                continue;
                            }
                            int base = ((b * g.inH() + h) * g.inW() + w) * c;
                            if (cells++ == 0) {
                                for (int k = 0; k < c; k++) {
                                    out[o + k] = in[base + k];
                                    arg[o + k] = base + k;
                                }
                            } else if (max) {
                                for (int k = 0; k < c; k++) {
                                    float v = in[base + k];
                                    if (v > out[o + k]) {
                                        out[o + k] = v;
                                        arg[o + k] = base + k;
                                    }
                                }
                            } else {
                                for (int k = 0; k < c; k++) {
                                    out[o + k] += in[base + k];
                                }
                            }
                        }
                    }
                    if (!max) {
                        float inv = 1f / cells;
                        for (int k = 0; k < c; k++) {
                            out[o + k] *= inv;
                        }
                    }
                }
            }
        }
    }

    private void poolForward(double[] in, double[] out, int[] arg, int batch) {
        ConvGeometry g = geometry;
        int c = g.channels();
        for (int b = 0, o = 0; b < batch; b++) {
            for (int oh = 0; oh < g.outH(); oh++) {
                for (int ow = 0; ow < g.outW(); ow++, o += c) {
                    int cells = 0;
                    for (int kh = 0; kh < g.kernelH(); kh++) {
                        int h = oh * g.strideH() + kh - g.padTop();
                        if (h < 0 || h >= g.inH()) {
                            continue;
                        }
                        for (int kw = 0; kw < g.kernelW(); kw++) {
                            int w = ow * g.strideW() + kw - g.padLeft();
                            if (w < 0 || w >= g.inW()) {
                                continue;
                            }
                            int base = ((b * g.inH() + h) * g.inW() + w) * c;
                            if (cells++ == 0) {
                                for (int k = 0; k < c; k++) {
                                    out[o + k] = in[base + k];
                                    arg[o + k] = base + k;
                                }
                            } else if (max) {
                                for (int k = 0; k < c; k++) {
                                    double v = in[base + k];
                                    if (v > out[o + k]) {
                                        out[o + k] = v;
                                        arg[o + k] = base + k;
                                    }
                                }
                            } else {
                                for (int k = 0; k < c; k++) {
                                    out[o + k] += in[base + k];
                                }
                            }
                        }
                    }
                    if (!max) {
                        double inv = 1.0 / cells;
                        for (int k = 0; k < c; k++) {
                            out[o + k] *= inv;
                        }
                    }
                }
            }
        }
    }

    private void averageBackward(float[] go, float[] dx, int batch) {
        int[] idx = window(batch);
        float[] counts = counts(batch);
        int p = geometry.windowSize();
        for (int o = 0; o < go.length && o < counts.length; o++) {
            float share = go[o] * (1f / counts[o]);
            for (int k = o * p, end = k + p; k < end; k++) {
                if (idx[k] >= 0) {
                    dx[idx[k]] += share;
                }
            }
        }
    }

    private void averageBackward(double[] go, double[] dx, int batch) {
        int[] idx = window(batch);
        float[] counts = counts(batch);
        int p = geometry.windowSize();
        for (int o = 0; o < counts.length; o++) {
            double share = go[o] * (1.0 / counts[o]);
            for (int k = o * p, end = k + p; k < end; k++) {
                if (idx[k] >= 0) {
                    dx[idx[k]] += share;
                }
            }
        }
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        if (!global) {
            config.put("pool_size", Tuples.list(poolSize));
            config.put("strides", Tuples.list(strides));
            config.put("padding", padding);
        }
        config.put("data_format", "channels_last");
        return config;
    }
}
