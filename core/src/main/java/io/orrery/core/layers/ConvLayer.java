package io.orrery.core.layers;

import io.orrery.core.tensor.ComputeThreads;
import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Conv1D} and {@link Conv2D} share: channels-last convolution (a cross-correlation, as Keras's) by im2col
 * and one matrix product, with a kernel laid out as Keras's ({@code (kh, kw, in, out)} or {@code (k, in, out)}).
 *
 * <p>Two paths compute the same numbers. The tape path ({@link #call}) is {@code gather(x) @ kernel + bias} built from
 * differentiable operations. The fused path ({@link #forward}/{@link #backward}) keeps one sample's im2col plan and
 * one set of buffers sized for the largest batch ({@link ConvWorkspace}), and arranges each product so that all its
 * operands and its result are f-order views of c-order (channels-last) memory: the output {@code (rows, filters)}
 * c-order is the product {@code kernel^T (filters, K) @ cols^T (K, rows)} f-order, so no array is copied or
 * transposed between layers. A batch is split over {@link ComputeThreads}: each thread runs im2col, its rows' products
 * (single-threaded BLAS), the activation and col2im for its samples; the kernel gradient is the sum of the parts'.
 */
abstract class ConvLayer extends Layer implements FusedLayer {

    final int rank;
    final int filters;
    final int[] kernelSize;
    final int[] strides;
    final String padding;
    final int[] dilation;
    final ActivationFunction activation;
    final boolean useBias;
    final String kernelInitializer;
    final String biasInitializer;

    private Variable kernel;
    private Variable bias;
    private INDArray kernelGrad;
    private INDArray biasGrad;
    private INDArray kernelC;
    private INDArray kernelCAsKernel;
    private INDArray kernelCBias;
    private INDArray kernelGradC;
    private INDArray kernelGradCAsKernel;
    private INDArray kernelGradCBias;
    private ConvGeometry geometry;
    private final Map<Integer, GatherPlan> tapePlans = new HashMap<>();
    private ConvWorkspace work;
    private GatherPlan samplePlan;
    private KernelLayout layout;

    ConvLayer(int rank, int filters, Object kernelSize, Object strides, String padding, Object dilation, String activation,
              boolean useBias, String kernelInitializer, String biasInitializer) {
        String kind = getClass().getSimpleName();
        if (filters <= 0) {
            throw new IllegalArgumentException(kind + ": filters must be positive, received " + filters);
        }
        this.rank = rank;
        this.filters = filters;
        this.kernelSize = Tuples.of(kernelSize, rank, kind, "kernel_size");
        this.strides = Tuples.of(strides, rank, kind, "strides");
        this.padding = Tuples.padding(padding, kind, rank == 1);
        this.dilation = Tuples.of(dilation, rank, kind, "dilation_rate");
        boolean strided = Arrays.stream(this.strides).anyMatch(s -> s != 1);
        boolean dilated = Arrays.stream(this.dilation).anyMatch(d -> d != 1);
        if (strided && dilated) {
            throw new IllegalArgumentException(kind + ": strides " + Arrays.toString(this.strides) + " and dilation_rate "
                    + Arrays.toString(this.dilation) + " cannot both be above 1 (as in Keras); set one of them to 1");
        }
        Initializers.get(kernelInitializer);
        Initializers.get(biasInitializer);
        this.activation = ActivationFunction.get(activation);
        this.useBias = useBias;
        this.kernelInitializer = kernelInitializer;
        this.biasInitializer = biasInitializer;
    }

    public Variable kernel() {
        return kernel;
    }

    public Variable bias() {
        return bias;
    }

    public ActivationFunction activation() {
        return activation;
    }

    /** Expands a 1-D setting to the 2-D (height 1) form the shared code uses. */
    private int[] twoD(int[] v, int fill) {
        return rank == 2 ? v : new int[]{fill, v[0]};
    }

    private String expectedShape() {
        return rank == 2 ? "(batch, height, width, channels)" : "(batch, steps, channels)";
    }

    private ConvGeometry geometryFor(long[] inputShape) {
        if (inputShape.length != rank + 2) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " " + name() + " expects inputs of shape "
                    + expectedShape() + ", found " + HostCopy.shape(inputShape)
                    + (inputShape.length == rank + 1 ? "; add a channels axis of size 1, e.g. reshape images to (n, 28, 28, 1)" : ""));
        }
        int h = rank == 2 ? (int) inputShape[1] : 1;
        int w = (int) inputShape[rank];
        int c = (int) inputShape[rank + 1];
        return ConvGeometry.of(h, w, c, twoD(kernelSize, 1), twoD(strides, 1), twoD(dilation, 1), padding,
                getClass().getSimpleName() + " " + name());
    }

    @Override
    protected void build(long[] inputShape) {
        geometry = geometryFor(inputShape);
        long[] shape = new long[rank + 2];
        for (int i = 0; i < rank; i++) {
            shape[i] = kernelSize[i];
        }
        shape[rank] = geometry.channels();
        shape[rank + 1] = filters;
        kernel = addWeight("kernel", shape, kernelInitializer);
        if (useBias) {
            bias = addWeight("bias", new long[]{filters}, biasInitializer);
        }
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        ensureBuilt(inputShape);
        ConvGeometry g = geometryFor(inputShape);
        return rank == 2 ? new long[]{inputShape[0], g.outH(), g.outW(), filters} : new long[]{inputShape[0], g.outW(), filters};
    }

    /** Checks a batch against the shape the layer was built for. */
    private void checkInput(long[] shape) {
        long[] built = builtInputShape();
        boolean ok = shape.length == built.length;
        for (int i = 1; ok && i < shape.length; i++) {
            ok = shape[i] == built[i];
        }
        if (!ok) {
            long[] expected = built.clone();
            expected[0] = shape.length > 0 ? shape[0] : -1;
            throw new IllegalArgumentException(getClass().getSimpleName() + " " + name() + " expects inputs of shape "
                    + HostCopy.shape(expected) + " (built for " + expectedShape() + " = " + HostCopy.shape(built)
                    + "), found " + HostCopy.shape(shape));
        }
    }

    private long[] outputShape(int batch) {
        return rank == 2 ? new long[]{batch, geometry.outH(), geometry.outW(), filters}
                : new long[]{batch, geometry.outW(), filters};
    }

    // ---------------------------------------------------------------- tape path

    @Override
    public Tensor call(Tensor inputs) {
        checkInput(inputs.shape());
        int batch = (int) inputs.shape()[0];
        GatherPlan plan = tapePlans.computeIfAbsent(batch, b -> GatherPlan.of(geometry.patchIndex(b), geometry.inputLength(b)));
        int rows = batch * geometry.outH() * geometry.outW();
        int k = geometry.patchLength();
        Tensor cols = GatherOps.gather(inputs, plan, rows, k);
        Tensor z = Ops.matmul(cols, Ops.reshape(kernel, k, filters));
        if (useBias) {
            z = Ops.add(z, bias);
        }
        // the activation runs on (rows, filters): softmax is over the channels, as Keras's over the last axis
        return Ops.reshape(activation.apply(z), outputShape(batch));
    }

    // ---------------------------------------------------------------- fused path

    /**
     * The fused path's buffers, for the largest batch seen so far (an epoch's smaller last batch uses views of them),
     * and the im2col plan of one sample, applied to each sample at its offset.
     */
    private ConvWorkspace workspace(int batch, DataType type) {
        if (work == null || !work.fits(batch, type)) {
            int capacity = work != null && work.type == type ? Math.max(batch, work.capacity) : batch;
            samplePlan = GatherPlan.of(withBiasColumn(geometry.patchIndex(1)), geometry.inputLength(1));
            work = new ConvWorkspace(type, capacity, geometry.outH() * geometry.outW(), patchColumns(), filters,
                    geometry.inputLength(1), useBias);
        }
        long[] inShape = builtInputShape().clone();
        inShape[0] = batch;
        work.viewsFor(batch, outputShape(batch), inShape);
        return work;
    }

    /**
     * The kernel as a c-order (K, filters) matrix, K in (kh, kw, in) order as the patches: copied each step into a
     * reused buffer, since the model keeps weights as column-major views of its flat buffer, which no strided view can
     * present in patch order. The copy is the kernel's size (at most 74k values in the book's convnet), not the batch's.
     */
    private INDArray kernelMatrix() {
        if (kernelC == null || kernelC.dataType() != kernel.dataType()) {
            DataType type = kernel.dataType();
            kernelC = Nd4j.createUninitialized(type, new long[]{patchColumns(), filters}, 'c');
            kernelCAsKernel = topRowsAsKernel(kernelC);
            kernelCBias = useBias ? lastRow(kernelC) : null;
            kernelGradC = Nd4j.createUninitialized(type, new long[]{patchColumns(), filters}, 'c');
            kernelGradCAsKernel = topRowsAsKernel(kernelGradC);
            kernelGradCBias = useBias ? lastRow(kernelGradC) : null;
            layout = new KernelLayout(kernel.shape(), useBias);
        }
        INDArray b = useBias ? bias.array() : null;
        if (KernelLayout.applies(kernel.array(), b, kernelC)) {
            layout.toMatrix(kernel.array(), b, kernelC);
            return kernelC;
        }
        kernelCAsKernel.assign(kernel.array());
        if (useBias) {
            kernelCBias.assign(b);
        }
        return kernelC;
    }

    /**
     * Columns of the im2col matrix: the patch, then (with a bias) a column of ones, so that one product adds the bias
     * in the forward pass and sums the bias gradient in the backward pass (its row of the kernel matrix is the bias).
     */
    private int patchColumns() {
        return geometry.patchLength() + (useBias ? 1 : 0);
    }

    private int[] withBiasColumn(int[] patchIndex) {
        if (!useBias) {
            return patchIndex;
        }
        int k = geometry.patchLength();
        int rows = patchIndex.length / k;
        int[] out = new int[rows * (k + 1)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(patchIndex, r * k, out, r * (k + 1), k);
            out[r * (k + 1) + k] = -1;
        }
        return out;
    }

    /** The first K rows of a fresh c-order (K [+1], filters) matrix, shaped as the kernel (a view). */
    private INDArray topRowsAsKernel(INDArray matrix) {
        long[] shape = kernel.shape();
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        return Nd4j.create(matrix.data(), shape, strides, 0, 'c', matrix.dataType());
    }

    private INDArray lastRow(INDArray matrix) {
        return Nd4j.create(matrix.data(), new long[]{filters}, new long[]{1}, (long) geometry.patchLength() * filters, 'c',
                matrix.dataType());
    }

    @Override
    public void bindGradients(List<INDArray> gradientViews) {
        kernelGrad = gradientViews.get(0);
        biasGrad = useBias ? gradientViews.get(1) : null;
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        return forward(input, training, false);
    }

    /** With {@code deferRelu} (a ReLU layer before max pooling, {@link ReluMaxPooling}): returns the pre-activation. */
    INDArray forward(INDArray input, boolean training, boolean deferRelu) {
        checkInput(input.shape());
        HostCopy.checkType(input, name());
        int batch = (int) input.size(0);
        ConvWorkspace w = workspace(batch, input.dataType());
        INDArray x = HostCopy.isCContiguous(input) ? input : w.inputCopy(input);
        INDArray kernelMatrix = kernelMatrix();
        boolean hostRelu = !deferRelu && activation == ActivationFunction.RELU && w.type == DataType.FLOAT;
        int parts = ComputeThreads.parts((long) batch * w.rowsPerSample * w.patchColumns * filters, batch);
        w.ensureParts(parts);
        ComputeThreads.run(parts, p -> {
            int b0 = ComputeThreads.start(batch, parts, p);
            int b1 = ComputeThreads.start(batch, parts, p + 1);
            ConvPatches.readInput(x, w, b0, b1);
            ConvWorkspace.Chunk chunk = w.chunk(p);
            for (int c0 = b0; c0 < b1; c0 += w.chunkSamples) {
                int c1 = Math.min(b1, c0 + w.chunkSamples);
                int rows = (c1 - c0) * w.rowsPerSample;
                ConvPatches.im2col(samplePlan, w, chunk, c0, c1);
                Blas.gemm(false, false, rows, filters, w.patchColumns, chunk.cols, 0, w.patchColumns,
                        kernelMatrix, 0, filters, 0.0, w.out, (long) c0 * w.outputPerSample, filters);
            }
            if (hostRelu) {
                HostLoops.relu(w.out, b0 * w.outputPerSample, (b1 - b0) * w.outputPerSample);
            }
        });
        INDArray out = w.outView();
        if (!hostRelu && !deferRelu) {
            // the activation runs on (rows, filters): softmax is over the channels, as Keras's over the last axis
            activation.applyInPlace(out.reshape('c', (long) batch * w.rowsPerSample, filters));
        }
        return out;
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        return backward(input, output, gradOutput, needInputGradient, false);
    }

    /**
     * {@code reluDone}: max pooling already applied the ReLU's derivative ({@link ReluMaxPooling}). Each chunk's
     * patches are gathered again from the input rather than kept from the forward pass (a gather from cache costs
     * less than keeping the whole patch matrix in memory); the kernel gradient accumulates over the chunks.
     */
    INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient, boolean reluDone) {
        int batch = (int) input.size(0);
        ConvWorkspace w = workspace(batch, input.dataType());
        INDArray x = HostCopy.isCContiguous(input) ? input : w.inputCopy(input);
        INDArray g = HostCopy.isCContiguous(gradOutput) ? gradOutput : w.gradCopy(gradOutput);
        int rows = batch * w.rowsPerSample;
        INDArray g2d = g.reshape('c', rows, filters);
        boolean hostRelu = !reluDone && activation == ActivationFunction.RELU && w.type == DataType.FLOAT && HostCopy.isCContiguous(output);
        if (activation == ActivationFunction.SOFTMAX) {
            activation.backwardInPlace(w.outView().reshape('c', rows, filters), g2d);
        } else if (!hostRelu && !reluDone) {
            activation.backwardInPlace(w.outView(), g);
        }
        int parts = ComputeThreads.parts((long) rows * w.patchColumns * filters, batch);
        w.ensureParts(parts);
        ComputeThreads.run(parts, p -> {
            int b0 = ComputeThreads.start(batch, parts, p);
            int b1 = ComputeThreads.start(batch, parts, p + 1);
            if (hostRelu) {
                HostLoops.reluBackward(output, g, b0 * w.outputPerSample, (b1 - b0) * w.outputPerSample);
            }
            ConvPatches.readInput(x, w, b0, b1);
            ConvWorkspace.Chunk chunk = w.chunk(p);
            INDArray dK = p == 0 ? kernelGradC : chunk.kernelGrad;
            for (int c0 = b0; c0 < b1; c0 += w.chunkSamples) {
                int c1 = Math.min(b1, c0 + w.chunkSamples);
                int chunkRows = (c1 - c0) * w.rowsPerSample;
                long gOff = (long) c0 * w.outputPerSample;
                ConvPatches.im2col(samplePlan, w, chunk, c0, c1);
                Blas.gemm(true, false, w.patchColumns, filters, chunkRows, chunk.cols, 0, w.patchColumns,
                        g2d, gOff, filters, c0 == b0 ? 0.0 : 1.0, dK, 0, filters);
                if (needInputGradient) {
                    // the bias column's gradient is not needed: only the patch columns
                    Blas.gemm(false, true, chunkRows, geometry.patchLength(), filters, g2d, gOff, filters,
                            kernelC, 0, filters, 0.0, chunk.dCols, 0, w.patchColumns);
                    ConvPatches.col2im(samplePlan, w, chunk, c0, c1);
                }
            }
            if (needInputGradient) {
                ConvPatches.writeInputGradient(w, b0, b1);
            }
        });
        if (KernelLayout.applies(kernelGrad, biasGrad, kernelGradC)) {
            INDArray[] partial = new INDArray[parts];
            for (int p = 0; p < parts; p++) {
                partial[p] = p == 0 ? kernelGradC : w.chunk(p).kernelGrad;
            }
            layout.sumToKernel(partial, parts, kernelGrad, biasGrad);
            return needInputGradient ? w.dxView() : null;
        }
        for (int p = 1; p < parts; p++) {
            kernelGradC.addi(w.chunk(p).kernelGrad);
        }
        kernelGrad.assign(kernelGradCAsKernel);
        if (useBias) {
            biasGrad.assign(kernelGradCBias);
        }
        return needInputGradient ? w.dxView() : null;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("filters", filters);
        config.put("kernel_size", Tuples.list(kernelSize));
        config.put("strides", Tuples.list(strides));
        config.put("padding", padding);
        config.put("data_format", "channels_last");
        config.put("dilation_rate", Tuples.list(dilation));
        config.put("activation", activation.kerasName());
        config.put("use_bias", useBias);
        config.put("kernel_initializer", kernelInitializer);
        config.put("bias_initializer", biasInitializer);
        return config;
    }
}
