package io.orrery.spark.data;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * One partition's samples as flat arrays (row-major features, labels as float class indices), so that batches are
 * filled with {@link System#arraycopy} rather than from per-sample objects. The rows may live in several segments:
 * a training task reads its cached {@link SampleBlock}s in place instead of joining them into one copy.
 */
public final class PartitionBuffer {

    private final float[][] features;
    private final float[][] labels;
    /** First row of each segment, ascending; {@code starts[0] == 0}. */
    private final int[] starts;
    private final int width;
    private final int size;

    private PartitionBuffer(float[][] features, float[][] labels, int[] starts, int width, int size) {
        this.features = features;
        this.labels = labels;
        this.starts = starts;
        this.width = width;
        this.size = size;
    }

    /** Reads and checks all samples of an iterator. */
    public static PartitionBuffer of(Iterator<Sample> samples, SampleChecker checker) {
        int width = Math.toIntExact(checker.inputWidth());
        float[] x = new float[width * 1024];
        float[] y = new float[1024];
        int n = 0;
        while (samples.hasNext()) {
            Sample s = checker.check(samples.next(), n);
            if (n == y.length) {
                y = Arrays.copyOf(y, n * 2);
                x = Arrays.copyOf(x, Math.multiplyExact(n * 2, width));
            }
            System.arraycopy(s.features(), 0, x, n * width, width);
            y[n] = s.label();
            n++;
        }
        return new PartitionBuffer(new float[][]{x}, new float[][]{y}, new int[]{0}, width, n);
    }

    /**
     * A worker's blocks in their {@link SampleBlock#order()}, which is the order of the samples' global indices (a
     * shuffle delivers blocks in no particular order); the arrays are used in place, not copied. The blocks were
     * checked when they were made.
     */
    public static PartitionBuffer ofBlocks(Iterator<SampleBlock> blocks, long width) {
        List<SampleBlock> list = new ArrayList<>();
        while (blocks.hasNext()) {
            SampleBlock b = blocks.next();
            if (b.width() != width) {
                throw new InvalidInputException("Input width does not match the model: expected " + width
                        + " features per sample, found a block of width " + b.width());
            }
            if (b.count() > 0) {
                list.add(b);
            }
        }
        list.sort(Comparator.comparingLong(SampleBlock::order));
        int segments = Math.max(1, list.size());
        float[][] x = new float[segments][];
        float[][] y = new float[segments][];
        int[] starts = new int[segments];
        x[0] = new float[0];
        y[0] = new float[0];
        long n = 0;
        for (int i = 0; i < list.size(); i++) {
            SampleBlock b = list.get(i);
            starts[i] = Math.toIntExact(n);
            x[i] = b.features();
            y[i] = b.labels();
            n += b.count();
        }
        return new PartitionBuffer(x, y, starts, Math.toIntExact(width), Math.toIntExact(n));
    }

    public int size() {
        return size;
    }

    public int width() {
        return width;
    }

    /**
     * Copies the samples {@code order[from .. from+count)} into the batch arrays.
     *
     * @param xOut [count * width] row-major
     * @param yOut [count]
     */
    public void gather(int[] order, int from, int count, float[] xOut, float[] yOut) {
        gather(order, from, count, FloatBuffer.wrap(xOut), FloatBuffer.wrap(yOut));
    }

    /**
     * Copies the samples {@code order[from .. from+count)} into float buffers (e.g. an array's host memory).
     *
     * @param xOut at least {@code count * width} floats from index 0, row-major
     * @param yOut at least {@code count} floats from index 0
     */
    public void gather(int[] order, int from, int count, FloatBuffer xOut, FloatBuffer yOut) {
        for (int i = 0; i < count; i++) {
            int row = order[from + i];
            if (row < 0 || row >= size) {
                throw new IndexOutOfBoundsException("row " + row + " of " + size);
            }
            int segment = starts.length == 1 ? 0 : segmentOf(row);
            int local = row - starts[segment];
            xOut.put(i * width, features[segment], local * width, width);
            yOut.put(i, labels[segment][local]);
        }
    }

    private int segmentOf(int row) {
        int at = Arrays.binarySearch(starts, row);
        return at >= 0 ? at : -at - 2;
    }
}
