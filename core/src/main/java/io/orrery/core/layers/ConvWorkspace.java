package io.orrery.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The buffers of a convolution's fused path. The batch-sized ones (output, input gradient, the input's host copy)
 * are sized for the largest batch seen so far and only grow: a smaller batch (an epoch's last) uses views of their
 * first rows. The im2col matrix is never built whole: each thread part fills a chunk of a few samples' patches at a
 * time ({@link Chunk}), small enough to stay in the core's cache between the gather, the product that reads it and
 * col2im; the whole matrix of a 64-image batch (9 MB for the book's second convolution) went through memory three
 * times per pass.
 */
final class ConvWorkspace {

    /** Bytes of one chunk's patch matrix: about a quarter of this machine's 1 MB L2, with room for its products. */
    private static volatile int chunkBytes = Integer.getInteger("orrery.conv.chunkBytes", 256 * 1024);

    final DataType type;
    final int capacity;
    final int rowsPerSample;
    final int patchColumns;
    final int filters;
    final int inputPerSample;
    final int outputPerSample;
    /** Samples per chunk. */
    final int chunkSamples;
    final INDArray out;
    final INDArray input;
    final INDArray grad;
    final INDArray dx;
    /** Host copies of the input and of its gradient (batch-sized). */
    float[] inF;
    float[] dxF;
    double[] inD;
    double[] dxD;
    private final boolean biasColumn;
    /** Per thread part: its chunk buffers and (parts 1..) its kernel-gradient partial sum. */
    private Chunk[] chunks = new Chunk[0];

    private int viewBatch = -1;
    private INDArray outView;
    private INDArray dxView;
    private INDArray inputView;
    private INDArray gradView;

    /** One thread part's chunk: the patches as host array and as ND4J buffer, and their gradient. */
    final class Chunk {
        final INDArray cols;
        final INDArray dCols;
        final INDArray kernelGrad;
        final float[] colsF;
        final float[] dColsF;
        final double[] colsD;
        final double[] dColsD;

        private Chunk() {
            int n = chunkSamples * rowsPerSample * patchColumns;
            cols = Nd4j.createUninitialized(type, new long[]{n}, 'c');
            dCols = Nd4j.createUninitialized(type, new long[]{n}, 'c');
            kernelGrad = Nd4j.createUninitialized(type, new long[]{patchColumns, filters}, 'c');
            boolean f = type == DataType.FLOAT;
            colsF = f ? new float[n] : null;
            dColsF = f ? new float[n] : null;
            colsD = f ? null : new double[n];
            dColsD = f ? null : new double[n];
            if (biasColumn) {
                // the gather never writes the bias column, so its ones stay
                for (int i = patchColumns - 1; i < n; i += patchColumns) {
                    if (f) {
                        colsF[i] = 1f;
                    } else {
                        colsD[i] = 1.0;
                    }
                }
            }
        }
    }

    ConvWorkspace(DataType type, int capacity, int rowsPerSample, int patchColumns, int filters, int inputPerSample,
                  boolean biasColumn) {
        this.type = type;
        this.capacity = capacity;
        this.rowsPerSample = rowsPerSample;
        this.patchColumns = patchColumns;
        this.filters = filters;
        this.inputPerSample = inputPerSample;
        this.outputPerSample = rowsPerSample * filters;
        this.biasColumn = biasColumn;
        long sampleBytes = (long) rowsPerSample * patchColumns * type.width();
        this.chunkSamples = (int) Math.max(1, Math.min(capacity, chunkBytes / sampleBytes));
        int rows = capacity * rowsPerSample;
        out = Nd4j.createUninitialized(type, new long[]{rows, filters}, 'c');
        input = Nd4j.createUninitialized(type, new long[]{(long) capacity * inputPerSample}, 'c');
        grad = Nd4j.createUninitialized(type, new long[]{rows, filters}, 'c');
        dx = Nd4j.createUninitialized(type, new long[]{(long) capacity * inputPerSample}, 'c');
        if (type == DataType.FLOAT) {
            inF = new float[capacity * inputPerSample];
            dxF = new float[capacity * inputPerSample];
        } else {
            inD = new double[capacity * inputPerSample];
            dxD = new double[capacity * inputPerSample];
        }
    }

    /** Sets the chunk size of workspaces made from now on (tests use 1 byte: one sample per chunk); returns the old. */
    static int setChunkBytes(int bytes) {
        int old = chunkBytes;
        chunkBytes = bytes;
        return old;
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

    /** Makes sure parts {@code 0 .. parts - 1} have chunk buffers; called before a split, on one thread. */
    void ensureParts(int parts) {
        if (chunks.length < parts) {
            Chunk[] grown = new Chunk[parts];
            System.arraycopy(chunks, 0, grown, 0, chunks.length);
            for (int i = chunks.length; i < parts; i++) {
                grown[i] = new Chunk();
            }
            chunks = grown;
        }
    }

    /** Part {@code p}'s chunk buffers. */
    Chunk chunk(int p) {
        return chunks[p];
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
