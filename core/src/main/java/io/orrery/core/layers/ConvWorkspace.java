package io.orrery.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The buffers of a convolution's fused path, sized for the largest batch seen so far (they only grow): a smaller
 * batch (an epoch's last) uses views of their first rows, so a layer holds one set whatever batch sizes it meets.
 * Java arrays hold the host side of im2col and col2im; ND4J arrays are what the products read and write. Each part
 * of a batch split over threads touches only its own rows of every buffer.
 */
final class ConvWorkspace {

    final DataType type;
    final int capacity;
    final int rowsPerSample;
    final int patchColumns;
    final int filters;
    final int inputPerSample;
    final int outputPerSample;
    final INDArray cols;
    final INDArray out;
    final INDArray input;
    final INDArray grad;
    final INDArray dCols;
    final INDArray dx;
    float[] inF;
    float[] colsF;
    float[] dColsF;
    double[] inD;
    double[] colsD;
    double[] dColsD;
    /** Kernel-gradient partial sums of parts 1.. (part 0 writes the layer's own buffer). */
    private INDArray[] gradParts = new INDArray[0];

    private int viewBatch = -1;
    private INDArray outView;
    private INDArray dxView;
    private INDArray inputView;
    private INDArray gradView;

    ConvWorkspace(DataType type, int capacity, int rowsPerSample, int patchColumns, int filters, int inputPerSample,
                  boolean biasColumn) {
        this.type = type;
        this.capacity = capacity;
        this.rowsPerSample = rowsPerSample;
        this.patchColumns = patchColumns;
        this.filters = filters;
        this.inputPerSample = inputPerSample;
        this.outputPerSample = rowsPerSample * filters;
        int rows = capacity * rowsPerSample;
        cols = Nd4j.createUninitialized(type, new long[]{rows, patchColumns}, 'c');
        out = Nd4j.createUninitialized(type, new long[]{rows, filters}, 'c');
        dCols = Nd4j.createUninitialized(type, new long[]{rows, patchColumns}, 'c');
        input = Nd4j.createUninitialized(type, new long[]{(long) capacity * inputPerSample}, 'c');
        grad = Nd4j.createUninitialized(type, new long[]{rows, filters}, 'c');
        dx = Nd4j.createUninitialized(type, new long[]{(long) capacity * inputPerSample}, 'c');
        int n = rows * patchColumns;
        if (type == DataType.FLOAT) {
            inF = new float[capacity * inputPerSample];
            colsF = new float[n];
            dColsF = new float[n];
        } else {
            inD = new double[capacity * inputPerSample];
            colsD = new double[n];
            dColsD = new double[n];
        }
        if (biasColumn) {
            // the gather never writes the bias column, so its ones stay
            for (int r = 0; r < rows; r++) {
                if (colsF != null) {
                    colsF[r * patchColumns + patchColumns - 1] = 1f;
                } else {
                    colsD[r * patchColumns + patchColumns - 1] = 1.0;
                }
            }
        }
    }

    /** Whether this workspace serves a batch of this size and type. */
    boolean fits(int batch, DataType t) {
        return t == type && batch <= capacity;
    }

    /** Makes the views for a batch size: the output and input-gradient arrays returned to the model. */
    void viewsFor(int batch, long[] outShape, long[] inShape) {
        if (batch != viewBatch) {
            outView = view(out, outShape);
            dxView = view(dx, inShape);
            inputView = view(input, inShape);
            gradView = view(grad, outShape);
            viewBatch = batch;
        }
    }

    INDArray outView() {
        return outView;
    }

    INDArray dxView() {
        return dxView;
    }

    /** A c-order copy of an input that is not c-contiguous (rows of this workspace's own buffer). */
    INDArray inputCopy(INDArray x) {
        return inputView.assign(x);
    }

    INDArray gradCopy(INDArray g) {
        return gradView.assign(g);
    }

    /** Makes sure parts {@code 1 .. parts - 1} have kernel-gradient buffers; called before a split, on one thread. */
    void ensureGradParts(int parts) {
        if (gradParts.length < parts - 1) {
            INDArray[] grown = new INDArray[parts - 1];
            System.arraycopy(gradParts, 0, grown, 0, gradParts.length);
            for (int i = gradParts.length; i < grown.length; i++) {
                grown[i] = Nd4j.createUninitialized(type, new long[]{patchColumns, filters}, 'c');
            }
            gradParts = grown;
        }
    }

    /** The kernel-gradient buffer (c-order (patchColumns, filters)) for part {@code p >= 1} of a split. */
    INDArray gradPart(int p) {
        return gradParts[p - 1];
    }

    private INDArray view(INDArray buffer, long[] shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        return Nd4j.create(buffer.data(), shape, strides, 0, 'c', type);
    }
}
