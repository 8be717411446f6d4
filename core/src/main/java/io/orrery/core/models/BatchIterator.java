package io.orrery.core.models;

import io.orrery.core.tensor.RowGather;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Random;

/**
 * Walks a dataset in mini-batches, in order or shuffled with a seed, gathering each batch's rows into reused
 * column-major buffers (the layout the fused GEMMs want).
 */
final class BatchIterator {

    private final INDArray x2d;
    private final INDArray y2d;
    private final long[] sampleShape;
    private final int batchSize;
    private final int[] order;
    private final int n;
    private int start = -1;
    private int size;
    private INDArray xb;
    private INDArray yb;
    private final RowGather rowGather = new RowGather();

    BatchIterator(INDArray x, INDArray y, int batchSize, boolean shuffle, long seed) {
        this(x, y, batchSize, shuffle ? shuffled((int) x.size(0), new Random(seed)) : null);
    }

    /** Iterates in the given sample order (null = natural order). */
    BatchIterator(INDArray x, INDArray y, int batchSize, int[] order) {
        this.n = (int) x.size(0);
        this.sampleShape = Arrays.copyOfRange(x.shape(), 1, x.rank());
        this.x2d = x.rank() == 2 ? x : x.reshape('c', n, x.length() / Math.max(n, 1));
        this.y2d = y == null ? null : y.rank() == 1 ? y.reshape(n, 1) : y.reshape('c', n, y.length() / Math.max(n, 1));
        this.batchSize = batchSize;
        this.order = order;
    }

    static int[] shuffled(int n, Random random) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    int steps() {
        return (n + batchSize - 1) / batchSize;
    }

    boolean next() {
        start = start < 0 ? 0 : start + size;
        if (start >= n) {
            return false;
        }
        size = Math.min(batchSize, n - start);
        int[] rows = new int[size];
        for (int i = 0; i < size; i++) {
            rows[i] = order == null ? start + i : order[start + i];
        }
        // rank-2 batches go f-order to the first GEMM; images stay c-order (channels last) for the convolution layers
        xb = gather(x2d, rows, xb, sampleShape.length == 1 ? 'f' : 'c');
        yb = y2d == null ? null : gather(y2d, rows, yb, 'c');
        return true;
    }

    private INDArray gather(INDArray source, int[] rows, INDArray reuse, char ordering) {
        long cols = source.size(1);
        INDArray dest = reuse != null && reuse.size(0) == rows.length ? reuse
                : Nd4j.createUninitialized(source.dataType(), new long[]{rows.length, cols}, ordering);
        boolean contiguous = rows[rows.length - 1] - rows[0] == rows.length - 1 && isAscending(rows);
        if (contiguous) {
            dest.assign(source.get(NDArrayIndex.interval(rows[0], rows[0] + rows.length),
                    NDArrayIndex.all()));
        } else {
            rowGather.gather(source, rows, dest);
        }
        return dest;
    }

    private static boolean isAscending(int[] rows) {
        for (int i = 1; i < rows.length; i++) {
            if (rows[i] != rows[i - 1] + 1) {
                return false;
            }
        }
        return true;
    }

    int start() {
        return start;
    }

    int size() {
        return size;
    }

    /** The batch's inputs: f-order [size, features] for rank-2 data, else [size, sampleShape...]. */
    INDArray x() {
        if (sampleShape.length == 1) {
            return xb;
        }
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = size;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return xb.reshape('c', shape);
    }

    /** The batch's targets, [size] for class indices or [size, k]. */
    INDArray y() {
        return yb.size(1) == 1 ? yb.reshape(size) : yb;
    }
}
