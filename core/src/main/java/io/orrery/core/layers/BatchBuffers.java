package io.orrery.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

/**
 * Column-major (f-order) [rows, cols] work arrays kept from step to step, one per (name, shape, type): the
 * GEMMs on the training path run several times faster into a preallocated f-order result than into a new array.
 */
final class BatchBuffers {

    private final Map<String, INDArray> buffers = new HashMap<>();

    /** A [1, n] row of ones (for column sums by GEMM). */
    INDArray ones(int n, DataType type) {
        String key = "ones:" + n + ':' + type;
        INDArray b = buffers.get(key);
        if (b == null) {
            b = Nd4j.ones(type, 1, n).dup('f');
            buffers.put(key, b);
        }
        return b;
    }

    INDArray get(String name, int rows, int cols, DataType type) {
        String key = name + ':' + rows + 'x' + cols + ':' + type;
        INDArray b = buffers.get(key);
        if (b == null) {
            b = Nd4j.createUninitialized(type, new long[]{rows, cols}, 'f');
            buffers.put(key, b);
        }
        return b;
    }
}
