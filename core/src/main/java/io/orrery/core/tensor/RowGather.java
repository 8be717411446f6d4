package io.orrery.core.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Copies chosen rows of a c-order matrix into a batch buffer on the calling thread. {@code Nd4j.pullRows} does the
 * same in ND4J 1.0.0-M2.1 but opens an OpenMP parallel region for every call, whatever ND4J's thread settings say;
 * after each region libgomp's worker spins for its wait period, and with two gathers per step it spun through most of
 * the training loop: in a profile of the MNIST MLP (perf, 2 cores) that thread and the main thread's wait in libgomp
 * took about half of all the process's CPU samples, the GEMMs about 11%. Copying the rows here opens no region.
 * An instance keeps host scratch between calls: one per batch stream, not shared between threads.
 */
public final class RowGather {

    private static final float[] NONE = new float[0];
    /** Source rows per block of the column-major copy: a tile of 32 MNIST rows is 100 KB, within L2. */
    private static final int BLOCK_ROWS = 32;

    /** Host scratch for the column-major path, kept from step to step (none until that path is used). */
    private float[] tile = NONE;
    private float[] out = NONE;

    /**
     * {@code dest[i, :] = source[rows[i], :]}. The source must be a contiguous c-order matrix; the destination a
     * fresh (non-view) c-order matrix of any type, or an f-order float32 one (the rank-2 batches the GEMMs take).
     * Anything else goes to {@code Nd4j.pullRows}.
     */
    public void gather(INDArray source, int[] rows, INDArray dest) {
        boolean sourceOk = source.rank() == 2 && source.ordering() == 'c' && Shape.hasDefaultStridesForShape(source)
                && Shape.isContiguousInBuffer(source) && source.dataType() == dest.dataType();
        boolean destOk = dest.rank() == 2 && dest.size(0) == rows.length && dest.size(1) == source.size(1)
                && !dest.isView() && Shape.hasDefaultStridesForShape(dest);
        if (sourceOk && destOk && dest.ordering() == 'c') {
            copyRowsC(source, rows, dest);
        } else if (sourceOk && destOk && dest.ordering() == 'f' && dest.dataType() == DataType.FLOAT) {
            copyRowsF(source, rows, dest);
        } else {
            Nd4j.pullRows(source, dest, 1, rows);
        }
    }

    /** Row by row as bytes: one bulk copy per row, for any element type. */
    private static void copyRowsC(INDArray source, int[] rows, INDArray dest) {
        int width = dest.dataType().width();
        int rowBytes = (int) source.size(1) * width;
        ByteBuffer from = source.data().asNio();
        ByteBuffer to = dest.data().asNio();
        long fromBase = source.offset() * width;
        long toBase = dest.offset() * width;
        for (int i = 0; i < rows.length; i++) {
            to.put(Math.toIntExact(toBase + (long) i * rowBytes), from,
                    Math.toIntExact(fromBase + (long) rows[i] * rowBytes), rowBytes);
        }
    }

    /**
     * Into a column-major batch, a block of source rows at a time: the rows are read into a tile, then each column's
     * run of the block's values is written contiguously. Writing one row's values down a column's stride instead
     * touches a new cache line per value (128 x 784 batch: 230 us per batch one row at a time, 126 us in blocks of 32).
     */
    private void copyRowsF(INDArray source, int[] rows, INDArray dest) {
        int cols = (int) source.size(1);
        int n = rows.length;
        FloatBuffer from = source.data().asNioFloat();
        if (tile.length < BLOCK_ROWS * cols || out.length < n * cols) {
            tile = new float[BLOCK_ROWS * cols];
            out = new float[n * cols];
        }
        long base = source.offset();
        for (int i0 = 0; i0 < n; i0 += BLOCK_ROWS) {
            int block = Math.min(BLOCK_ROWS, n - i0);
            for (int b = 0; b < block; b++) {
                from.get(Math.toIntExact(base + (long) rows[i0 + b] * cols), tile, b * cols, cols);
            }
            for (int c = 0; c < cols; c++) {
                int o = c * n + i0;
                for (int b = 0; b < block; b++) {
                    out[o + b] = tile[b * cols + c];
                }
            }
        }
        dest.data().asNioFloat().put((int) dest.offset(), out, 0, n * cols);
    }
}
