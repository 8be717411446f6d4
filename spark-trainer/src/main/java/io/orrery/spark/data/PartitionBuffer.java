package io.orrery.spark.data;

import java.util.Arrays;
import java.util.Iterator;

/**
 * One partition's samples as two flat arrays (row-major features, labels as float class indices), built once per
 * task so that batches are filled with {@link System#arraycopy} rather than per-sample objects.
 */
public final class PartitionBuffer {

    private final float[] features;
    private final float[] labels;
    private final int width;
    private final int size;

    private PartitionBuffer(float[] features, float[] labels, int width, int size) {
        this.features = features;
        this.labels = labels;
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
        return new PartitionBuffer(x, y, width, n);
    }

    /**
     * Joins a worker's blocks in their {@link SampleBlock#order()}, which is the order of the samples' global
     * indices (a shuffle delivers blocks in no particular order). The blocks were checked when they were made.
     */
    public static PartitionBuffer ofBlocks(Iterator<SampleBlock> blocks, long width) {
        java.util.List<SampleBlock> list = new java.util.ArrayList<>();
        long total = 0;
        while (blocks.hasNext()) {
            SampleBlock b = blocks.next();
            if (b.width() != width) {
                throw new InvalidInputException("Input width does not match the model: expected " + width
                        + " features per sample, found a block of width " + b.width());
            }
            list.add(b);
            total += b.count();
        }
        list.sort(java.util.Comparator.comparingLong(SampleBlock::order));
        int w = Math.toIntExact(width);
        float[] x = new float[Math.toIntExact(Math.multiplyExact(total, width))];
        float[] y = new float[Math.toIntExact(total)];
        int n = 0;
        for (SampleBlock b : list) {
            System.arraycopy(b.features(), 0, x, n * w, b.count() * w);
            System.arraycopy(b.labels(), 0, y, n, b.count());
            n += b.count();
        }
        return new PartitionBuffer(x, y, w, n);
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
        for (int i = 0; i < count; i++) {
            int row = order[from + i];
            System.arraycopy(features, row * width, xOut, i * width, width);
            yOut[i] = labels[row];
        }
    }
}
