package io.orrery.core.layers;

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
 * differentiable operations. The fused path ({@link #forward}/{@link #backward}) keeps, per batch size, the im2col
 * plan and every buffer, and arranges each product so that all its operands and its result are f-order views of
 * c-order (channels-last) memory: the output {@code (rows, filters)} c-order is the product
 * {@code kernel^T (filters, K) @ cols^T (K, rows)} f-order, so no array is copied or transposed between layers.
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
    private final Map<String, BatchState> states = new HashMap<>();

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
        this.padding = Tuples.padding(padding, kind);
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

    /** Everything one batch size needs, allocated once. */
    private final class BatchState {
        final int batch;
        final int rows;
        final GatherPlan plan;
        final INDArray cols;
        final INDArray colsT;
        final INDArray out;
        final INDArray out2d;
        final INDArray outT;
        INDArray inputCopy;
        INDArray gradCopy;
        INDArray dCols;
        INDArray dColsT;
        INDArray dx;
        float[] inF;
        float[] colsF;
        float[] dColsF;
        double[] inD;
        double[] colsD;
        double[] dColsD;

        BatchState(int batch, DataType type) {
            this.batch = batch;
            this.rows = batch * geometry.outH() * geometry.outW();
            int k = patchColumns();
            this.plan = GatherPlan.of(withBiasColumn(geometry.patchIndex(batch)), geometry.inputLength(batch));
            this.cols = Nd4j.zeros(type, rows, k);
            this.colsT = cols.transpose();
            this.out = Nd4j.createUninitialized(type, outputShape(batch), 'c');
            this.out2d = out.reshape('c', rows, filters);
            this.outT = out2d.transpose();
            // the gather never writes the bias column, so its ones stay
            if (type == DataType.FLOAT) {
                colsF = new float[rows * k];
                if (useBias) {
                    for (int r = 0; r < rows; r++) {
                        colsF[r * k + k - 1] = 1f;
                    }
                }
            } else {
                colsD = new double[rows * k];
                if (useBias) {
                    for (int r = 0; r < rows; r++) {
                        colsD[r * k + k - 1] = 1.0;
                    }
                }
            }
        }

        void ensureBackwardBuffers(INDArray input) {
            if (dCols == null) {
                dCols = Nd4j.createUninitialized(cols.dataType(), cols.shape(), 'c');
                dColsT = dCols.transpose();
                dx = Nd4j.createUninitialized(input.dataType(), input.shape(), 'c');
            }
        }
    }

    private BatchState state(int batch, DataType type) {
        String key = batch + ":" + type;
        BatchState s = states.get(key);
        if (s == null) {
            s = new BatchState(batch, type);
            states.put(key, s);
        }
        return s;
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
        }
        kernelCAsKernel.assign(kernel.array());
        if (useBias) {
            kernelCBias.assign(bias.array());
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
        checkInput(input.shape());
        HostCopy.checkType(input, name());
        BatchState s = state((int) input.size(0), input.dataType());
        INDArray x = input;
        if (!HostCopy.isCContiguous(x)) {
            if (s.inputCopy == null) {
                s.inputCopy = Nd4j.createUninitialized(input.dataType(), input.shape(), 'c');
            }
            x = s.inputCopy.assign(input);
        }
        if (x.dataType() == DataType.FLOAT) {
            s.inF = HostCopy.read(x, s.inF);
            s.plan.gather(s.inF, s.colsF);
            HostCopy.write(s.colsF, s.cols);
        } else {
            s.inD = HostCopy.read(x, s.inD);
            s.plan.gather(s.inD, s.colsD);
            HostCopy.write(s.colsD, s.cols);
        }
        Nd4j.gemm(kernelMatrix().transpose(), s.colsT, s.outT, false, false, 1.0, 0.0);
        activation.applyInPlace(s.out2d);
        return s.out;
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        BatchState s = state((int) input.size(0), input.dataType());
        INDArray g = gradOutput;
        if (!HostCopy.isCContiguous(g)) {
            if (s.gradCopy == null) {
                s.gradCopy = Nd4j.createUninitialized(gradOutput.dataType(), s.out.shape(), 'c');
            }
            g = s.gradCopy.assign(gradOutput);
        }
        INDArray g2d = g.reshape('c', s.rows, filters);
        if (activation == ActivationFunction.SOFTMAX) {
            activation.backwardInPlace(s.out2d, g2d);
        } else {
            // elementwise: the whole arrays (not views) take the one-pass host loop
            activation.backwardInPlace(s.out, g);
        }
        INDArray gT = g2d.transpose();
        Nd4j.gemm(gT, s.colsT, kernelGradC.transpose(), false, true, 1.0, 0.0);
        kernelGrad.assign(kernelGradCAsKernel);
        if (useBias) {
            biasGrad.assign(kernelGradCBias);
        }
        if (!needInputGradient) {
            return null;
        }
        s.ensureBackwardBuffers(input);
        Nd4j.gemm(kernelC.transpose(), gT, s.dColsT, true, false, 1.0, 0.0);
        if (s.dx.dataType() == DataType.FLOAT) {
            s.dColsF = HostCopy.read(s.dCols, s.dColsF);
            float[] dCols = s.dColsF;
            float[] dx = s.inF != null && s.inF.length >= s.dx.length() ? s.inF : new float[(int) s.dx.length()];
            Arrays.fill(dx, 0f);
            s.plan.scatterAdd(dCols, dx);
            HostCopy.write(dx, s.dx);
        } else {
            s.dColsD = HostCopy.read(s.dCols, s.dColsD);
            double[] dCols = s.dColsD;
            double[] dx = s.inD != null && s.inD.length >= s.dx.length() ? s.inD : new double[(int) s.dx.length()];
            Arrays.fill(dx, 0.0);
            s.plan.scatterAdd(dCols, dx);
            HostCopy.write(dx, s.dx);
        }
        return s.dx;
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
