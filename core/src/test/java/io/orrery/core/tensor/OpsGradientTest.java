package io.orrery.core.tensor;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpsGradientTest {

    private static INDArray rand(long... shape) {
        Nd4j.getRandom().setSeed(42);
        return Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(2);
    }

    private static INDArray positive(long... shape) {
        return Nd4j.rand(DataType.DOUBLE, shape).addi(0.5);
    }

    @Test
    void addSubMulDivMatchFiniteDifferencesWithBroadcasting() {
        GradCheck.check(v -> Ops.add(v.get(0), v.get(1)), rand(3, 4), rand(4));
        GradCheck.check(v -> Ops.sub(v.get(0), v.get(1)), rand(3, 4), rand(3, 1));
        GradCheck.check(v -> Ops.mul(v.get(0), v.get(1)), rand(3, 4), rand(1, 4));
        GradCheck.check(v -> Ops.div(v.get(0), v.get(1)), rand(2, 3), positive(2, 3));
        GradCheck.check(v -> Ops.mul(v.get(0), v.get(1)), rand(2, 3), Nd4j.scalar(1.7));
    }

    @Test
    void unaryOpsMatchFiniteDifferences() {
        GradCheck.check(v -> Ops.square(v.get(0)), rand(3, 2));
        GradCheck.check(v -> Ops.sqrt(v.get(0)), positive(3, 2));
        GradCheck.check(v -> Ops.exp(v.get(0)), rand(3, 2));
        GradCheck.check(v -> Ops.log(v.get(0)), positive(3, 2));
        GradCheck.check(v -> Ops.log1p(v.get(0)), positive(3, 2));
        GradCheck.check(v -> Ops.pow(v.get(0), 3), rand(3, 2));
        GradCheck.check(v -> Ops.neg(v.get(0)), rand(3, 2));
        GradCheck.check(v -> Ops.sigmoid(v.get(0)), rand(3, 2));
        GradCheck.check(v -> Ops.tanh(v.get(0)), rand(3, 2));
        GradCheck.check(v -> Ops.relu(v.get(0)), rand(4, 3));
        GradCheck.check(v -> Ops.abs(v.get(0)), rand(4, 3));
        GradCheck.check(v -> Ops.clip(v.get(0), -0.3, 0.4), rand(4, 3));
        GradCheck.check(v -> Ops.maximum(v.get(0), 0.1), rand(4, 3));
        GradCheck.check(v -> Ops.maximum(v.get(0), v.get(1)), rand(4, 3), rand(3).addi(0.05));
    }

    @Test
    void softmaxAndLogSoftmaxMatchFiniteDifferences() {
        INDArray w = rand(3, 5);
        GradCheck.check(v -> Ops.mul(Ops.softmax(v.get(0)), new Tensor(w)), rand(3, 5));
        GradCheck.check(v -> Ops.mul(Ops.logSoftmax(v.get(0)), new Tensor(w)), rand(3, 5));
    }

    @Test
    void matmulReshapeTransposeAndReductionsMatchFiniteDifferences() {
        GradCheck.check(v -> Ops.matmul(v.get(0), v.get(1)), rand(3, 4), rand(4, 2));
        GradCheck.check(v -> Ops.mul(Ops.transpose(v.get(0)), new Tensor(rand(4, 3))), rand(3, 4));
        GradCheck.check(v -> Ops.mul(Ops.reshape(v.get(0), 2, 6), new Tensor(rand(2, 6))), rand(3, 4));
        GradCheck.check(v -> Ops.mul(Ops.sum(v.get(0), false, 1), new Tensor(rand(3))), rand(3, 4));
        GradCheck.check(v -> Ops.mul(Ops.sum(v.get(0), true, 0), new Tensor(rand(1, 4))), rand(3, 4));
        GradCheck.check(v -> Ops.mul(Ops.mean(v.get(0), false, -1), new Tensor(rand(3))), rand(3, 4));
        GradCheck.check(v -> Ops.mean(v.get(0)), rand(3, 4));
        GradCheck.check(v -> Ops.mul(Ops.broadcastTo(v.get(0), 3, 4), new Tensor(rand(3, 4))), rand(4));
    }

    @Test
    void broadcastingFollowsNumpyRules() {
        Tensor a = Tensor.of(Nd4j.ones(DataType.DOUBLE, 3, 1));
        Tensor b = Tensor.of(Nd4j.ones(DataType.DOUBLE, 1, 4));
        assertArrayEquals(new long[]{3, 4}, Ops.add(a, b).shape());
        assertArrayEquals(new long[]{2, 3, 4}, Ops.mul(Tensor.of(Nd4j.ones(DataType.DOUBLE, 2, 3, 4)), Tensor.of(Nd4j.ones(DataType.DOUBLE, 4))).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.add(Tensor.of(Nd4j.ones(DataType.DOUBLE, 3, 4)), Tensor.of(Nd4j.ones(DataType.DOUBLE, 3))));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("cannot be broadcast"), e.getMessage());
    }

    @Test
    void softmaxRowsSumToOneAndSurviveLargeLogits() {
        Tensor s = Ops.softmax(Tensor.of(Nd4j.createFromArray(new double[][]{{1000, 1001, 1002}, {-5, 0, 5}})));
        assertEquals(1.0, s.array().getRow(0).sumNumber().doubleValue(), 1e-12);
        assertEquals(1.0, s.array().getRow(1).sumNumber().doubleValue(), 1e-12);
        assertTrue(Double.isFinite(Ops.logSoftmax(Tensor.of(Nd4j.createFromArray(new double[][]{{1000, -1000}}))).array().getDouble(0, 1)));
    }
}
