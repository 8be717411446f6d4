package io.orrery.core.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads small label and prediction arrays straight from host memory on the CPU backend.
 *
 * <p>Why: the metrics run on every training step, on batches of ~128 x 10. There ND4J's fixed cost per op
 * dominates (an argmax over 128 x 10 took ~40 µs, a reshape ~9 µs), while reading the 1,280 values through a
 * {@link java.nio.Buffer} view takes a microsecond or two. Any layout (c or f order, views, strides) is read by
 * its strides. On other backends, or for types not handled here, callers fall back to ND4J.
 */
final class HostArrays {

    private static final boolean CPU_BACKEND = detectCpu();

    private HostArrays() {
    }

    private static boolean detectCpu() {
        try {
            return Nd4j.getEnvironment().isCPU() && !Boolean.getBoolean("orrery.metrics.noHostReads");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean readable(INDArray a) {
        if (!CPU_BACKEND || a.isEmpty() || a.rank() > 2 || a.length() > Integer.MAX_VALUE) {
            return false;
        }
        DataType type = a.dataType();
        return (type == DataType.FLOAT || type == DataType.DOUBLE || type == DataType.INT || type == DataType.LONG)
                && a.data().asNio() != null;
    }

    /** Element {@code index} (in the buffer's own units) as a double. */
    private static double read(ByteBuffer buffer, DataType type, long index) {
        int i = Math.toIntExact(index);
        return switch (type) {
            case FLOAT -> buffer.getFloat(i * 4);
            case DOUBLE -> buffer.getDouble(i * 8);
            case INT -> buffer.getInt(i * 4);
            case LONG -> buffer.getLong(i * 8);
            default -> throw new IllegalStateException("unreadable type " + type);
        };
    }

    /** All elements of a rank 0-2 array in row-major order, as doubles. */
    static double[] values(INDArray a) {
        if (!readable(a)) {
            return a.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        }
        ByteBuffer buffer = a.data().asNio().order(ByteOrder.nativeOrder());
        DataType type = a.dataType();
        long offset = a.offset();
        double[] out = new double[(int) a.length()];
        if (a.rank() <= 1) {
            long stride = a.rank() == 0 ? 0 : a.stride(0);
            for (int i = 0; i < out.length; i++) {
                out[i] = read(buffer, type, offset + i * stride);
            }
            return out;
        }
        long rows = a.size(0);
        long cols = a.size(1);
        long rowStride = a.stride(0);
        long colStride = a.stride(1);
        int k = 0;
        for (long r = 0; r < rows; r++) {
            for (long c = 0; c < cols; c++) {
                out[k++] = read(buffer, type, offset + r * rowStride + c * colStride);
            }
        }
        return out;
    }

    /** Index of the first maximum of each row of a rank-2 {@code [n, classes]} array (NumPy's argmax, axis -1). */
    static long[] argMaxRows(INDArray a) {
        if (a.rank() != 2 || !readable(a)) {
            return a.argMax(a.rank() - 1).reshape(-1).toLongVector();
        }
        ByteBuffer buffer = a.data().asNio().order(ByteOrder.nativeOrder());
        DataType type = a.dataType();
        long offset = a.offset();
        long rows = a.size(0);
        long cols = a.size(1);
        long rowStride = a.stride(0);
        long colStride = a.stride(1);
        long[] out = new long[(int) rows];
        for (int r = 0; r < rows; r++) {
            long base = offset + r * rowStride;
            double best = read(buffer, type, base);
            long index = 0;
            for (long c = 1; c < cols; c++) {
                double v = read(buffer, type, base + c * colStride);
                if (v > best) {
                    best = v;
                    index = c;
                }
            }
            out[r] = index;
        }
        return out;
    }
}
