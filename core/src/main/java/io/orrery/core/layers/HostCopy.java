package io.orrery.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Bulk copies between ND4J arrays and Java arrays, for the convolution and pooling loops that run in Java: one
 * bulk read of the input, index work on Java arrays, one bulk write of the result. Arrays must be c-order and
 * contiguous (use {@link #isCContiguous}); float32 and float64 are supported.
 */
final class HostCopy {

    private HostCopy() {
    }

    static boolean isCContiguous(INDArray a) {
        return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) && Shape.isContiguousInBuffer(a);
    }

    static void checkType(INDArray a, String layerName) {
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException(layerName + ": expected float32 or float64 inputs, found " + a.dataType()
                    + "; convert them with castTo(DataType.FLOAT)");
        }
    }

    static float[] read(INDArray a, float[] reuse) {
        int n = (int) a.length();
        float[] out = reuse != null && reuse.length >= n ? reuse : new float[n];
        a.data().asNioFloat().get((int) a.offset(), out, 0, n);
        return out;
    }

    static double[] read(INDArray a, double[] reuse) {
        int n = (int) a.length();
        double[] out = reuse != null && reuse.length >= n ? reuse : new double[n];
        a.data().asNioDouble().get((int) a.offset(), out, 0, n);
        return out;
    }

    static void write(float[] values, INDArray a) {
        a.data().asNioFloat().put((int) a.offset(), values, 0, (int) a.length());
    }

    static void write(double[] values, INDArray a) {
        a.data().asNioDouble().put((int) a.offset(), values, 0, (int) a.length());
    }

    /** Elements {@code [from, from + n)} of a contiguous array into the same positions of {@code out}. */
    static void read(INDArray a, float[] out, int from, int n) {
        a.data().asNioFloat().get((int) a.offset() + from, out, from, n);
    }

    static void read(INDArray a, double[] out, int from, int n) {
        a.data().asNioDouble().get((int) a.offset() + from, out, from, n);
    }

    /** Elements {@code [from, from + n)} of {@code values} into the same positions of a contiguous array. */
    static void write(float[] values, INDArray a, int from, int n) {
        a.data().asNioFloat().put((int) a.offset() + from, values, from, n);
    }

    static void write(double[] values, INDArray a, int from, int n) {
        a.data().asNioDouble().put((int) a.offset() + from, values, from, n);
    }

    /** The array's values in c order as doubles (any layout); for the tape path. */
    static double[] valuesC(INDArray a) {
        INDArray c = isCContiguous(a) && a.dataType() == DataType.DOUBLE ? a : a.castTo(DataType.DOUBLE).dup('c');
        return read(c, (double[]) null);
    }

    /** Whether {@code a} is a contiguous column-major 2-D array (a view into a flat buffer is fine). */
    static boolean isFContiguous(INDArray a) {
        return a.rank() == 2 && a.ordering() == 'f' && a.stride(0) == 1 && a.stride(1) == a.size(0);
    }

    /** Columns {@code [c0, c1)} of a contiguous column-major matrix: a contiguous column-major view. */
    static INDArray columnsF(INDArray a, int c0, int c1) {
        long rows = a.size(0);
        return Nd4j.create(a.data(), new long[]{rows, c1 - c0}, new long[]{1, rows}, a.offset() + c0 * rows, 'f',
                a.dataType());
    }

    /** Rows {@code [r0, r1)} of a contiguous column-major matrix: a column-major view with the parent's column stride. */
    static INDArray rowsF(INDArray a, int r0, int r1) {
        return Nd4j.create(a.data(), new long[]{r1 - r0, a.size(1)}, new long[]{1, a.size(0)}, a.offset() + r0, 'f',
                a.dataType());
    }

    /**
     * Rows {@code [r0, r1)} of a contiguous row-major matrix, transposed: the column-major {@code (cols, r1 - r0)} view
     * of the same memory (what the convolution's products take and write).
     */
    static INDArray rowsCTransposed(INDArray a, int r0, int r1) {
        long cols = a.size(1);
        return Nd4j.create(a.data(), new long[]{cols, r1 - r0}, new long[]{1, cols}, a.offset() + r0 * cols, 'f',
                a.dataType());
    }

    static String shape(long[] shape) {
        return Arrays.toString(shape);
    }
}
