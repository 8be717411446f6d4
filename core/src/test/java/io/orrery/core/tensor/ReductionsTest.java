package io.orrery.core.tensor;

import io.orrery.core.autodiff.GradientTape;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reductions with TensorFlow's shapes, values and gradients. */
class ReductionsTest {

    private static final Tensor X = Tensor.of(Nd4j.createFromArray(new double[][]{{1, 2, 3}, {4, 5, 6}}));

    private static INDArray rand(long... shape) {
        Nd4j.getRandom().setSeed(7);
        return Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(2);
    }

    @Test
    void noAxesReducesEveryAxisToAScalarAsReduceSum() {
        Tensor s = Ops.sum(X, false);
        assertArrayEquals(new long[0], s.shape());
        assertEquals(21.0, s.item(), 0);
        Tensor kept = Ops.sum(X, true);
        assertArrayEquals(new long[]{1, 1}, kept.shape());
        assertEquals(21.0, kept.item(), 0);
    }

    @Test
    void rankOneAndRankThreeReductionsKeepTensorFlowShapes() {
        Tensor v = Tensor.of(Nd4j.createFromArray(1.0, 2.0, 3.0));
        assertArrayEquals(new long[0], Ops.sum(v, false, 0).shape());
        assertArrayEquals(new long[]{1}, Ops.sum(v, true, 0).shape());
        assertArrayEquals(new long[]{1}, Ops.reduceMax(v, true).shape());
        assertArrayEquals(new long[0], Ops.reduceLogSumExp(v, false, -1).shape());
        Tensor t = Tensor.of(Nd4j.ones(DataType.DOUBLE, 2, 3, 4));
        assertArrayEquals(new long[]{3}, Ops.mean(t, false, 0, 2).shape());
        assertArrayEquals(new long[]{1, 3, 1}, Ops.mean(t, true, 0, 2).shape());
        assertArrayEquals(new long[]{2, 4}, Ops.reduceVariance(t, false, 1).shape());
        assertArrayEquals(new long[]{2, 1, 4}, Ops.reduceProd(t, true, 1).shape());
        assertEquals(24.0, Ops.sum(t).item(), 0);
    }

    @Test
    void meanWithNoAxesIsTheMean() {
        Tensor m = Ops.mean(X, true);
        assertArrayEquals(new long[]{1, 1}, m.shape());
        assertEquals(3.5, m.item(), 0);
        assertEquals(3.5, Ops.mean(X, false).item(), 0);
        assertArrayEquals(new long[0], Ops.mean(X, false).shape());
        assertArrayEquals(new double[]{2, 5}, Ops.mean(X, false, -1).array().toDoubleVector(), 0);
    }

    @Test
    void maxMinProdLogSumExpVarianceAndNormValues() {
        assertArrayEquals(new double[]{3, 6}, Ops.reduceMax(X, false, 1).array().toDoubleVector(), 0);
        assertArrayEquals(new double[]{1, 2, 3}, Ops.reduceMin(X, false, 0).array().toDoubleVector(), 0);
        assertEquals(720.0, Ops.reduceProd(X, false).item(), 0);
        assertArrayEquals(new long[]{2, 1}, Ops.reduceProd(X, true, 1).shape());
        assertEquals(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), Ops.reduceLogSumExp(X, false, 1).array().getDouble(0), 1e-12);
        // stable for large values, as tf.reduce_logsumexp
        Tensor big = Tensor.of(Nd4j.createFromArray(1000.0, 1000.0));
        assertEquals(1000 + Math.log(2), Ops.reduceLogSumExp(big, false).item(), 1e-9);
        assertArrayEquals(new double[]{2.25, 2.25, 2.25}, Ops.reduceVariance(X, false, 0).array().toDoubleVector(), 1e-12);
        assertEquals(Math.sqrt(91), Ops.norm(X, false).item(), 1e-12);
        Tensor unit = Ops.l2Normalize(X, 1);
        assertArrayEquals(new double[]{1, 1}, Ops.norm(unit, false, 1).array().toDoubleVector(), 1e-12);
    }

    @Test
    void cumsumExclusiveAndReverseAsTensorFlow() {
        Tensor v = Tensor.of(Nd4j.createFromArray(1.0, 2.0, 3.0));
        assertArrayEquals(new double[]{1, 3, 6}, Ops.cumsum(v, 0).array().toDoubleVector(), 0);
        assertArrayEquals(new double[]{0, 1, 3}, Ops.cumsum(v, 0, true, false).array().toDoubleVector(), 0);
        assertArrayEquals(new double[]{6, 5, 3}, Ops.cumsum(v, 0, false, true).array().toDoubleVector(), 0);
        assertArrayEquals(new double[]{5, 3, 0}, Ops.cumsum(v, 0, true, true).array().toDoubleVector(), 0);
        assertArrayEquals(new double[]{1, 3, 6, 4, 9, 15}, Ops.cumsum(X, 1).array().reshape(6).toDoubleVector(), 0);
    }

    @Test
    void maxSharesTheGradientBetweenTiesAsTensorFlow() {
        Variable x = new Variable(Nd4j.createFromArray(1.0, 3.0, 3.0, 2.0), "x", true);
        Tensor g;
        try (GradientTape tape = new GradientTape()) {
            g = tape.gradient(Ops.reduceMax(x, false), x);
        }
        assertArrayEquals(new double[]{0, 0.5, 0.5, 0}, g.array().toDoubleVector(), 0);
    }

    @Test
    void prodGradientIsExactWithAZero() {
        Variable x = new Variable(Nd4j.createFromArray(new double[][]{{2, 0, 3}, {0, 0, 5}, {1, 2, 4}}), "x", true);
        Tensor g;
        try (GradientTape tape = new GradientTape()) {
            g = tape.gradient(Ops.reduceProd(x, false, 1), x);
        }
        assertArrayEquals(new double[]{0, 6, 0, 0, 0, 0, 8, 4, 2}, g.array().reshape(9).toDoubleVector(), 0);
    }

    @Test
    void reductionGradientsMatchFiniteDifferences() {
        INDArray w = rand(3, 1);
        for (boolean keep : new boolean[]{false, true}) {
            GradCheck.check(v -> Ops.mul(Ops.reduceMax(v.get(0), keep, 1), Tensor.of(keep ? w : w.reshape(3))), rand(3, 4));
            GradCheck.check(v -> Ops.mul(Ops.reduceMin(v.get(0), keep, -1), Tensor.of(keep ? w : w.reshape(3))), rand(3, 4));
            GradCheck.check(v -> Ops.mul(Ops.reduceProd(v.get(0), keep, 1), Tensor.of(keep ? w : w.reshape(3))), rand(3, 4));
            GradCheck.check(v -> Ops.mul(Ops.reduceLogSumExp(v.get(0), keep, 1), Tensor.of(keep ? w : w.reshape(3))), rand(3, 4));
            GradCheck.check(v -> Ops.mul(Ops.reduceVariance(v.get(0), keep, 1), Tensor.of(keep ? w : w.reshape(3))), rand(3, 4));
            GradCheck.check(v -> Ops.mul(Ops.norm(v.get(0), keep, 1), Tensor.of(keep ? w : w.reshape(3))), rand(3, 4));
            GradCheck.check(v -> Ops.mul(Ops.sum(v.get(0), keep), Ops.mean(v.get(0), keep)), rand(3, 4));
        }
        GradCheck.check(v -> Ops.mul(Ops.l2Normalize(v.get(0), 1), Tensor.of(rand(3, 4))), rand(3, 4));
        GradCheck.check(v -> Ops.mul(Ops.cumsum(v.get(0), 1, true, true), Tensor.of(rand(3, 4))), rand(3, 4));
        GradCheck.check(v -> Ops.mul(Ops.cumsum(v.get(0), 0), Tensor.of(rand(3, 4))), rand(3, 4));
    }

    @Test
    void badAxesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.sum(X, false, 2));
        assertTrue(e.getMessage().contains("axis 2") && e.getMessage().contains("rank 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ops.reduceMax(X, false, 1, -1));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }
}
