package io.orrery.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution's kernel and bias between the model's flat buffers (column-major views, {@code (kh, kw, in, out)})
 * and the c-order {@code (K + bias row, filters)} matrix the products use, in float32 host loops: the ND4J assigns
 * and adds they replace cost tens of microseconds each on small strided arrays, a few per layer and step, on one
 * thread while the other compute threads wait. Only for float32 column-major views; callers fall back otherwise.
 */
final class KernelLayout {

    private final int patch;
    private final int filters;
    private final boolean bias;
    /** For each patch row (c-order over the kernel's leading axes), its offset in a column-major filter. */
    private final int[] columnMajorRow;
    private float[] host = new float[0];
    private float[] sum = new float[0];

    /** {@code kernelShape}: {@code (kh, kw, in, filters)} or {@code (k, in, filters)}. */
    KernelLayout(long[] kernelShape, boolean bias) {
        int axes = kernelShape.length - 1;
        int n = 1;
        for (int a = 0; a < axes; a++) {
            n *= (int) kernelShape[a];
        }
        this.patch = n;
        this.filters = (int) kernelShape[axes];
        this.bias = bias;
        this.columnMajorRow = new int[n];
        int[] index = new int[axes];
        for (int r = 0; r < n; r++) {
            int offset = 0;
            for (int a = axes - 1; a >= 0; a--) {
                offset = offset * (int) kernelShape[a] + index[a];
            }
            columnMajorRow[r] = offset;
            for (int a = axes - 1; a >= 0 && ++index[a] == kernelShape[a]; a--) {
                index[a] = 0;
            }
        }
    }

    /** Whether the host loops apply: float32 and every array a dense column-major view (c-order for the matrices). */
    static boolean applies(INDArray kernel, INDArray bias, INDArray matrix) {
        return kernel.dataType() == DataType.FLOAT && matrix.dataType() == DataType.FLOAT && columnMajor(kernel)
                && (bias == null || bias.dataType() == DataType.FLOAT && columnMajor(bias))
                && HostCopy.isCContiguous(matrix);
    }

    private static boolean columnMajor(INDArray a) {
        long stride = 1;
        for (int i = 0; i < a.rank(); i++) {
            if (a.size(i) > 1 && a.stride(i) != stride) {
                return false;
            }
            stride *= a.size(i);
        }
        return a.length() < Integer.MAX_VALUE;
    }

    /**
     * The kernel (column-major) and the bias into the c-order matrix: patch row {@code r}, filter {@code f} at
     * {@code r * filters + f}, the bias in row {@code patch}.
     */
    void toMatrix(INDArray kernel, INDArray biasVector, INDArray matrix) {
        int n = patch * filters;
        grow((patch + 1) * filters);
        HostCopy.read(kernel, sum, 0, n);
        for (int f = 0; f < filters; f++) {
            for (int r = 0; r < patch; r++) {
                host[r * filters + f] = sum[f * patch + columnMajorRow[r]];
            }
        }
        int rows = patch;
        if (bias) {
            HostCopy.read(biasVector, sum, 0, filters);
            System.arraycopy(sum, 0, host, n, filters);
            rows++;
        }
        HostCopy.write(host, matrix, 0, rows * filters);
    }

    /**
     * The sum of the parts' c-order gradient matrices, in part order (as {@code addi} one after the other), into the
     * column-major kernel gradient and the bias gradient.
     */
    void sumToKernel(INDArray[] parts, int count, INDArray kernelGrad, INDArray biasGrad) {
        int rows = patch + (bias ? 1 : 0);
        int n = rows * filters;
        grow(n);
        HostCopy.read(parts[0], sum, 0, n);
        for (int p = 1; p < count; p++) {
            HostCopy.read(parts[p], host, 0, n);
            for (int i = 0; i < n; i++) {
                sum[i] += host[i];
            }
        }
        for (int f = 0; f < filters; f++) {
            for (int r = 0; r < patch; r++) {
                host[f * patch + columnMajorRow[r]] = sum[r * filters + f];
            }
        }
        HostCopy.write(host, kernelGrad, 0, patch * filters);
        if (bias) {
            System.arraycopy(sum, patch * filters, host, 0, filters);
            HostCopy.write(host, biasGrad, 0, filters);
        }
    }

    private void grow(int n) {
        if (host.length < n) {
            host = new float[n];
            sum = new float[n];
        }
    }
}
