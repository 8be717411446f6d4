package io.orrery.core.tensor;

import io.orrery.core.autodiff.GradientTape;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Elementwise functions and activations: reference values and gradients against finite differences. */
class MathOpsTest {

    private static INDArray rand(long... shape) {
        Nd4j.getRandom().setSeed(5);
        return Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(4);
    }

    private static double at(Tensor t) {
        return t.item();
    }

    private static Tensor s(double v) {
        return Tensor.of(Nd4j.scalar(v));
    }

    @Test
    void valuesMatchTheReferenceFunctions() {
        assertEquals(Math.sin(0.7), at(Ops.sin(s(0.7))), 1e-15);
        assertEquals(Math.cos(0.7), at(Ops.cos(s(0.7))), 1e-15);
        assertEquals(1 / Math.sqrt(2.5), at(Ops.rsqrt(s(2.5))), 1e-15);
        assertEquals(0.8427007929497149, at(Ops.erf(s(1.0))), 1e-12);          // erf(1)
        assertEquals(Math.log(2), at(Ops.softplus(s(0))), 1e-15);
        assertEquals(1000.0, at(Ops.softplus(s(1000))), 1e-9);                  // no overflow
        assertEquals(Math.exp(-1) - 1, at(Ops.elu(s(-1))), 1e-15);
        assertEquals(2.0, at(Ops.elu(s(2))), 0);
        assertEquals(-1.0507009873554805 * 1.6732632423543772 * (1 - Math.exp(-1)), at(Ops.selu(s(-1))), 1e-12);
        assertEquals(0.8413447460685429, at(Ops.gelu(s(1))), 1e-12);            // Phi(1)
        assertEquals(0.8411919906082768, at(Ops.gelu(s(1), true)), 1e-12);      // tanh approximation
        assertEquals(1 / (1 + Math.exp(-1)), at(Ops.swish(s(1))), 1e-15);
        assertEquals(at(Ops.swish(s(-0.3))), at(Ops.silu(s(-0.3))), 0);
        assertEquals(-0.2, at(Ops.leakyRelu(s(-1))), 1e-15);
        assertEquals(-0.5, at(Ops.leakyRelu(s(-1), 0.5)), 1e-15);
        assertArrayEquals(new double[]{1, 2}, Ops.minimum(Tensor.of(Nd4j.createFromArray(1.0, 5.0)), s(2)).array().toDoubleVector(), 0);
    }

    @Test
    void softmaxOverAnAxis() {
        Tensor x = Tensor.of(rand(3, 4));
        Tensor sm = Ops.softmax(x, 0);
        assertArrayEquals(new double[]{1, 1, 1, 1}, Ops.sum(sm, false, 0).array().toDoubleVector(), 1e-12);
        assertEquals(Ops.transpose(Ops.softmax(Ops.transpose(x))).array(), sm.array());
        assertEquals(Ops.log(sm).array().getDouble(1, 2), Ops.logSoftmax(x, 0).array().getDouble(1, 2), 1e-12);
    }

    @Test
    void whereKeepsAnUnpickedInfinityOutOfValueAndGradient() {
        Variable x = new Variable(Nd4j.createFromArray(1.0, 2.0, -3.0), "x", true);
        Tensor g;
        Tensor y;
        try (GradientTape tape = new GradientTape()) {
            Tensor cond = Tensor.of(Nd4j.createFromArray(true, true, false));
            y = Ops.where(cond, Ops.log(x), Ops.square(x));   // log(-3) is NaN, but not picked
            g = tape.gradient(y, x);
        }
        assertArrayEquals(new double[]{0, Math.log(2), 9}, y.array().toDoubleVector(), 1e-15);
        assertArrayEquals(new double[]{1, 0.5, -6}, g.array().toDoubleVector(), 1e-15);
    }

    @Test
    void castAndStopGradient() {
        Variable x = new Variable(Nd4j.createFromArray(1.5, 2.5), "x", true);
        try (GradientTape tape = new GradientTape()) {
            Tensor f = Ops.cast(x, DataType.FLOAT);
            assertEquals(DataType.FLOAT, f.dataType());
            Tensor back = Ops.cast(Ops.square(f), DataType.DOUBLE);
            Tensor g = tape.gradient(Ops.sum(back), x);
            assertEquals(DataType.DOUBLE, g.dataType());
            assertArrayEquals(new double[]{3, 5}, g.array().toDoubleVector(), 1e-6);
            Tensor ints = Ops.cast(x, DataType.INT32);
            assertNull(tape.gradient(Ops.sum(Ops.cast(ints, DataType.DOUBLE)), x));
            assertNull(tape.gradient(Ops.sum(Ops.stopGradient(Ops.square(x))), x));
            Tensor mixed = Ops.mul(Ops.stopGradient(x), x);
            assertArrayEquals(new double[]{1.5, 2.5}, tape.gradient(Ops.sum(mixed), x).array().toDoubleVector(), 0);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        INDArray pos = Nd4j.rand(DataType.DOUBLE, 3, 2).addi(0.5);
        GradCheck.check(v -> Ops.sin(v.get(0)), rand(3, 2));
        GradCheck.check(v -> Ops.cos(v.get(0)), rand(3, 2));
        GradCheck.check(v -> Ops.rsqrt(v.get(0)), pos);
        GradCheck.check(v -> Ops.erf(v.get(0)), rand(3, 2));
        GradCheck.check(v -> Ops.softplus(v.get(0)), rand(3, 2));
        GradCheck.check(v -> Ops.elu(v.get(0), 0.7), rand(3, 2));
        GradCheck.check(v -> Ops.selu(v.get(0)), rand(3, 2));
        GradCheck.check(v -> Ops.gelu(v.get(0)), rand(3, 2));
        GradCheck.check(v -> Ops.gelu(v.get(0), true), rand(3, 2));
        GradCheck.check(v -> Ops.swish(v.get(0)), rand(3, 2));
        GradCheck.check(v -> Ops.leakyRelu(v.get(0)), rand(3, 2));
        GradCheck.check(v -> Ops.minimum(v.get(0), v.get(1)), rand(3, 2), rand(2).addi(0.05));
        GradCheck.check(v -> Ops.where(Tensor.of(Nd4j.createFromArray(1.0, 0.0)), v.get(0), v.get(1)), rand(3, 2), rand(3, 1));
        GradCheck.check(v -> Ops.mul(Ops.softmax(v.get(0), 0), Tensor.of(rand(3, 4))), rand(3, 4));
        GradCheck.check(v -> Ops.mul(Ops.logSoftmax(v.get(0), 1), Tensor.of(rand(2, 3, 4))), rand(2, 3, 4));
    }
}
