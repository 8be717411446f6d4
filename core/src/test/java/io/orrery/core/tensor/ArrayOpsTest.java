package io.orrery.core.tensor;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shape operations: TensorFlow's values and shapes, and gradients against finite differences. */
class ArrayOpsTest {

    private static final Tensor X = Tensor.of(Nd4j.createFromArray(new double[][]{{1, 2, 3}, {4, 5, 6}}));

    private static INDArray rand(long... shape) {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(2);
    }

    private static double[] flat(Tensor t) {
        return t.array().dup('c').reshape(t.array().length()).toDoubleVector();
    }

    @Test
    void transposeWithAPermutation() {
        Tensor a = Tensor.of(Nd4j.arange(24).castTo(DataType.DOUBLE).reshape(2, 3, 4));
        Tensor t = Ops.transpose(a, 2, 0, 1);
        assertArrayEquals(new long[]{4, 2, 3}, t.shape());
        assertEquals(a.array().getDouble(1, 2, 3), t.array().getDouble(3, 1, 2), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.transpose(a, 0, 0, 1));
        assertTrue(e.getMessage().contains("permutation"), e.getMessage());
    }

    @Test
    void concatStackAndSplit() {
        assertArrayEquals(new double[]{1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6}, flat(Ops.concat(0, X, X)), 0);
        assertArrayEquals(new long[]{2, 6}, Ops.concat(-1, X, X).shape());
        assertArrayEquals(new long[]{2, 2, 3}, Ops.stack(0, X, X).shape());
        assertArrayEquals(new long[]{2, 3, 2}, Ops.stack(-1, X, X).shape());
        assertArrayEquals(new double[]{1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6}, flat(Ops.stack(2, X, X)), 0);
        Tensor[] parts = Ops.split(X, new long[]{1, 2}, 1);
        assertArrayEquals(new double[]{1, 4}, flat(parts[0]), 0);
        assertArrayEquals(new double[]{2, 3, 5, 6}, flat(parts[1]), 0);
        assertEquals(3, Ops.split(X, 3, 1).length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.split(X, 2, 1));
        assertTrue(e.getMessage().contains("2 equal pieces"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ops.concat(0, X, Tensor.of(Nd4j.ones(DataType.DOUBLE, 2, 2))));
        assertTrue(e.getMessage().contains("[2, 2]") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void slicesAsTensorFlow() {
        assertArrayEquals(new double[]{2, 3, 5, 6}, flat(Ops.slice(X, new long[]{0, 1}, new long[]{-1, 2})), 0);
        assertArrayEquals(new double[]{1, 3, 4, 6}, flat(Ops.stridedSlice(X, new long[]{0, 0}, new long[]{2, 3}, new long[]{1, 2})), 0);
        assertArrayEquals(new double[]{5, 6}, flat(Ops.stridedSlice(X, new long[]{-1, 1}, new long[]{2, 3}, new long[]{1, 1})), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.slice(X, new long[]{0, 2}, new long[]{1, 5}));
        assertTrue(e.getMessage().contains("axis 1"), e.getMessage());
    }

    @Test
    void gatherPicksSlicesAlongAnAxis() {
        assertArrayEquals(new double[]{4, 5, 6, 1, 2, 3, 4, 5, 6}, flat(Ops.gather(X, Nd4j.createFromArray(1, 0, 1))), 0);
        Tensor cols = Ops.gather(X, Nd4j.createFromArray(new int[][]{{2, 0}}), 1);
        assertArrayEquals(new long[]{2, 1, 2}, cols.shape());
        assertArrayEquals(new double[]{3, 1, 6, 4}, flat(cols), 0);
        Tensor row = Ops.gather(X, Nd4j.scalar(1L));
        assertArrayEquals(new long[]{3}, row.shape());
        assertArrayEquals(new double[]{4, 5, 6}, flat(row), 0);
        // an embedding lookup: [batch, steps] indices into a [vocabulary, dim] table
        Tensor table = Tensor.of(Nd4j.arange(10).castTo(DataType.DOUBLE).reshape(5, 2));
        Tensor looked = Ops.gather(table, Tensor.of(Nd4j.createFromArray(new int[][]{{4, 0, 1}, {2, 2, 3}})), 0);
        assertArrayEquals(new long[]{2, 3, 2}, looked.shape());
        assertArrayEquals(new double[]{8, 9, 0, 1, 2, 3, 4, 5, 4, 5, 6, 7}, flat(looked), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.gather(X, Nd4j.createFromArray(2)));
        assertTrue(e.getMessage().contains("[0, 2)"), e.getMessage());
    }

    @Test
    void tilePadExpandSqueeze() {
        assertArrayEquals(new double[]{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}, flat(Ops.tile(X, 1, 2)), 0);
        assertArrayEquals(new long[]{4, 3}, Ops.tile(X, 2, 1).shape());
        Tensor padded = Ops.pad(X, new long[][]{{1, 0}, {0, 2}});
        assertArrayEquals(new double[]{0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0}, flat(padded), 0);
        assertEquals(-1.0, Ops.pad(X, new long[][]{{0, 1}, {0, 0}}, -1).array().getDouble(2, 1), 0);
        assertArrayEquals(new long[]{2, 1, 3}, Ops.expandDims(X, 1).shape());
        assertArrayEquals(new long[]{2, 3, 1}, Ops.expandDims(X, -1).shape());
        assertArrayEquals(new long[]{2, 3}, Ops.squeeze(Tensor.of(Nd4j.ones(DataType.DOUBLE, 1, 2, 1, 3))).shape());
        assertArrayEquals(new long[]{2, 1, 3}, Ops.squeeze(Tensor.of(Nd4j.ones(DataType.DOUBLE, 1, 2, 1, 3)), 0).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.squeeze(X, 0));
        assertTrue(e.getMessage().contains("size 2"), e.getMessage());
    }

    @Test
    void batchedMatmulEqualsOneProductPerBatchEntryAndBroadcasts() {
        INDArray a = rand(2, 3, 4, 5);
        INDArray b = rand(5, 2);
        Tensor c = Ops.matmul(Tensor.of(a), Tensor.of(b));
        assertArrayEquals(new long[]{2, 3, 4, 2}, c.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                INDArray expected = a.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.point(j))
                        .mmul(b);
                INDArray actual = c.array().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.point(j));
                assertTrue(expected.equalsWithEps(actual, 1e-12), "batch " + i + "," + j);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.matmul(Tensor.of(rand(2, 3, 4)), Tensor.of(rand(3, 4, 2))));
        assertTrue(e.getMessage().contains("batch shapes"), e.getMessage());
    }

    @Test
    void shapeOpGradientsMatchFiniteDifferences() {
        INDArray w = rand(3, 4, 2);
        GradCheck.check(v -> Ops.mul(Ops.transpose(v.get(0), 1, 2, 0), Tensor.of(w)), rand(2, 3, 4));
        GradCheck.check(v -> Ops.mul(Ops.concat(1, v.get(0), v.get(1)), Tensor.of(rand(2, 5))), rand(2, 3), rand(2, 2));
        GradCheck.check(v -> Ops.mul(Ops.stack(1, v.get(0), v.get(1)), Tensor.of(rand(2, 2, 3))), rand(2, 3), rand(2, 3));
        GradCheck.check(v -> {
            Tensor[] p = Ops.split(v.get(0), new long[]{1, 3}, 1);
            return Ops.add(Ops.sum(Ops.square(p[0])), Ops.sum(Ops.mul(p[1], Tensor.of(rand(2, 3)))));
        }, rand(2, 4));
        GradCheck.check(v -> Ops.mul(Ops.stridedSlice(v.get(0), new long[]{1, 0}, new long[]{4, 5}, new long[]{2, 2}),
                Tensor.of(rand(2, 3))), rand(4, 5));
        GradCheck.check(v -> Ops.mul(Ops.gather(v.get(0), Nd4j.createFromArray(new long[][]{{2, 0}, {2, 2}}), 1),
                Tensor.of(rand(3, 2, 2))), rand(3, 4));
        GradCheck.check(v -> Ops.mul(Ops.tile(v.get(0), 2, 3), Tensor.of(rand(4, 6))), rand(2, 2));
        GradCheck.check(v -> Ops.mul(Ops.pad(v.get(0), new long[][]{{1, 2}, {0, 1}}, 3.0), Tensor.of(rand(5, 4))), rand(2, 3));
        GradCheck.check(v -> Ops.mul(Ops.squeeze(Ops.expandDims(v.get(0), 0)), Tensor.of(rand(2, 3))), rand(2, 3));
        GradCheck.check(v -> Ops.matmul(v.get(0), v.get(1)), rand(2, 3, 4), rand(4, 2));
        GradCheck.check(v -> Ops.matmul(v.get(0), v.get(1), true, false), rand(2, 4, 3), rand(1, 4, 2));
    }
}
