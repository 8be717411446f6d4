package io.orrery.core.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host loops of {@link KernelLayout} give bit for bit what the ND4J assigns and adds they replace: the
 * column-major kernel and bias into the c-order product matrix, and the parts' gradient matrices summed in part
 * order back into column-major views.
 */
class KernelLayoutTest {

    private static INDArray columnMajor(long... shape) {
        INDArray a = Nd4j.rand(DataType.FLOAT, shape).dup('f');
        return a.subi(0.5);
    }

    private static void check(long[] kernelShape) {
        int filters = (int) kernelShape[kernelShape.length - 1];
        int patch = (int) (Nd4j.create(DataType.FLOAT, kernelShape).length() / filters);
        INDArray kernel = columnMajor(kernelShape);
        INDArray bias = columnMajor(filters);
        INDArray matrix = Nd4j.createUninitialized(DataType.FLOAT, new long[]{patch + 1, filters}, 'c');
        assertTrue(KernelLayout.applies(kernel, bias, matrix));
        KernelLayout layout = new KernelLayout(kernelShape, true);
        layout.toMatrix(kernel, bias, matrix);
        INDArray expected = Nd4j.concat(0, kernel.dup('c').reshape('c', patch, filters), bias.reshape(1, filters));
        assertEquals(expected, matrix);

        INDArray[] parts = {columnMajor(patch + 1, filters).dup('c'), columnMajor(patch + 1, filters).dup('c'),
                columnMajor(patch + 1, filters).dup('c')};
        INDArray sum = parts[0].dup('c').addi(parts[1]).addi(parts[2]);
        INDArray kernelGrad = Nd4j.createUninitialized(DataType.FLOAT, kernelShape, 'f');
        INDArray biasGrad = Nd4j.createUninitialized(DataType.FLOAT, new long[]{filters}, 'f');
        layout.sumToKernel(parts, 3, kernelGrad, biasGrad);
        assertEquals(sum.get(NDArrayIndex.interval(0, patch)).reshape('c', kernelShape),
                kernelGrad.dup('c'));
        assertEquals(sum.getRow(patch).reshape(filters), biasGrad);
    }

    @Test
    void conv2dKernelMatchesNd4jAssignsAndAdds() {
        check(new long[]{3, 2, 4, 5});
    }

    @Test
    void conv1dKernelMatchesNd4jAssignsAndAdds() {
        check(new long[]{3, 7, 2});
    }

    @Test
    void otherTypesAndLayoutsTakeTheNd4jPath() {
        INDArray matrix = Nd4j.createUninitialized(DataType.FLOAT, new long[]{7, 2}, 'c');
        assertFalse(KernelLayout.applies(Nd4j.rand(DataType.FLOAT, 3, 2, 2), null, matrix), "c-order kernel");
        assertFalse(KernelLayout.applies(columnMajor(3, 2, 2).castTo(DataType.DOUBLE), null, matrix), "float64");
    }
}
