package io.orrery.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

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

    /** The array's values in c order as doubles (any layout); for the tape path. */
    static double[] valuesC(INDArray a) {
        INDArray c = isCContiguous(a) && a.dataType() == DataType.DOUBLE ? a : a.castTo(DataType.DOUBLE).dup('c');
        return read(c, (double[]) null);
    }

    static String shape(long[] shape) {
        return Arrays.toString(shape);
    }
}
