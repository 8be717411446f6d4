package io.orrery.core.layers;

import io.orrery.core.tensor.ComputeThreads;
import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
 * <p>The fused path's loops are in {@link PoolWindows}; a batch is split over {@link ComputeThreads} by samples.
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
    private PoolWindows fused;
    private Workspace work;

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

    /**
     * The fused path's buffers, sized for the largest batch seen so far (a smaller batch uses views of their first
     * samples), so a layer holds one set whatever batch sizes it meets.
     */
    private static final class Workspace {
        final DataType type;
        final int capacity;
        final INDArray out;
        final INDArray dx;
        final int[] arg;
        float[] inF;
        float[] outF;
        double[] inD;
        double[] outD;
        int viewBatch = -1;
        INDArray outView;
        INDArray dxView;
        INDArray inputCopy;
        INDArray gradCopy;

        Workspace(DataType type, int capacity, PoolWindows w) {
            this.type = type;
            this.capacity = capacity;
            out = Nd4j.createUninitialized(type, new long[]{(long) capacity * w.outputPerSample}, 'c');
            dx = Nd4j.createUninitialized(type, new long[]{(long) capacity * w.inputPerSample}, 'c');
            arg = new int[capacity * w.outputPerSample];
            if (type == DataType.FLOAT) {
                inF = new float[capacity * w.inputPerSample];
                outF = new float[capacity * w.outputPerSample];
            } else {
                inD = new double[capacity * w.inputPerSample];
                outD = new double[capacity * w.outputPerSample];
            }
        }
    }

    private Workspace workspace(int batch, DataType type) {
        if (fused == null) {
            fused = new PoolWindows(geometry, max);
        }
        if (work == null || work.type != type || work.capacity < batch) {
            work = new Workspace(type, work != null && work.type == type ? Math.max(batch, work.capacity) : batch, fused);
        }
        if (work.viewBatch != batch) {
            long[] inShape = builtInputShape().clone();
            inShape[0] = batch;
            work.outView = cView(work.out, outputShape(batch, geometry));
            work.dxView = cView(work.dx, inShape);
            work.inputCopy = null;
            work.gradCopy = null;
            work.viewBatch = batch;
        }
        return work;
    }

    private static INDArray cView(INDArray buffer, long[] shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        return Nd4j.create(buffer.data(), shape, strides, 0, 'c', buffer.dataType());
    }

    @Override
    public void bindGradients(List<INDArray> gradientViews) {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        return forward(input, training, false);
    }

    /** Whether {@link #forward(INDArray, boolean, boolean)} can apply a preceding layer's ReLU (max pooling only). */
    boolean canApplyRelu() {
        return max;
    }

    /** As {@link #forward(INDArray, boolean)}, with ReLU applied to the output when {@code relu} (max pooling only). */
    INDArray forward(INDArray input, boolean training, boolean relu) {
        if (relu && !max) {
            throw new IllegalStateException("only max pooling commutes with ReLU; " + name() + " is average pooling");
        }
        checkInput(input.shape());
        HostCopy.checkType(input, name());
        int batch = (int) input.size(0);
        Workspace s = workspace(batch, input.dataType());
        INDArray x = input;
        if (!HostCopy.isCContiguous(x)) {
            if (s.inputCopy == null) {
                s.inputCopy = Nd4j.createUninitialized(input.dataType(), input.shape(), 'c');
            }
            x = s.inputCopy.assign(input);
        }
        INDArray in = x;
        PoolWindows w = fused;
        int parts = ComputeThreads.parts((long) batch * w.inputPerSample * 4, batch);
        ComputeThreads.run(parts, p -> {
            int b0 = ComputeThreads.start(batch, parts, p);
            int b1 = ComputeThreads.start(batch, parts, p + 1);
            int i0 = b0 * w.inputPerSample;
            int o0 = b0 * w.outputPerSample;
            int inN = (b1 - b0) * w.inputPerSample;
            int outN = (b1 - b0) * w.outputPerSample;
            if (s.type == DataType.FLOAT) {
                HostCopy.read(in, s.inF, i0, inN);
                w.forward(s.inF, s.outF, s.arg, b0, b1, relu);
                HostCopy.write(s.outF, s.out, o0, outN);
            } else {
                HostCopy.read(in, s.inD, i0, inN);
                w.forward(s.inD, s.outD, s.arg, b0, b1, relu);
                HostCopy.write(s.outD, s.out, o0, outN);
            }
        });
        return s.outView;
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        int batch = (int) input.size(0);
        Workspace s = workspace(batch, input.dataType());
        INDArray g = gradOutput;
        if (!HostCopy.isCContiguous(g)) {
            if (s.gradCopy == null) {
                s.gradCopy = Nd4j.createUninitialized(gradOutput.dataType(), s.outView.shape(), 'c');
            }
            g = s.gradCopy.assign(gradOutput);
        }
        INDArray go = g;
        PoolWindows w = fused;
        int parts = ComputeThreads.parts((long) batch * w.inputPerSample * 4, batch);
        ComputeThreads.run(parts, p -> {
            int b0 = ComputeThreads.start(batch, parts, p);
            int b1 = ComputeThreads.start(batch, parts, p + 1);
            int i0 = b0 * w.inputPerSample;
            int o0 = b0 * w.outputPerSample;
            int inN = (b1 - b0) * w.inputPerSample;
            int outN = (b1 - b0) * w.outputPerSample;
            // the input's host copy is not needed after the forward pass: it becomes the input gradient's
            if (s.type == DataType.FLOAT) {
                HostCopy.read(go, s.outF, o0, outN);
                w.backward(s.outF, s.inF, s.arg, b0, b1);
                HostCopy.write(s.inF, s.dx, i0, inN);
            } else {
                HostCopy.read(go, s.outD, o0, outN);
                w.backward(s.outD, s.inD, s.arg, b0, b1);
                HostCopy.write(s.inD, s.dx, i0, inN);
            }
        });
        return s.dxView;
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
