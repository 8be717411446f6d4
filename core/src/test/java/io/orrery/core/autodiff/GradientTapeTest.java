package io.orrery.core.autodiff;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed's GradientTape examples, value for value. */
class GradientTapeTest {

    @Test
    void gradientOfScalarFunctionOfVariable() {
        Variable x = new Variable(Nd4j.scalar(0.0));
        Tensor grad;
        try (GradientTape tape = new GradientTape()) {
            Tensor y = x.mul(2).add(3);
            grad = tape.gradient(y, x);
        }
        assertEquals(2.0, grad.item(), 0);
    }

    @Test
    void gradientWithRespectToMatrixVariableHasItsShape() {
        Variable x = new Variable(Nd4j.rand(DataType.DOUBLE, 2, 2));
        Tensor grad;
        try (GradientTape tape = new GradientTape()) {
            Tensor y = x.mul(2).add(3);
            grad = tape.gradient(y, x);
        }
        assertEquals(Nd4j.valueArrayOf(new long[]{2, 2}, 2.0).castTo(DataType.DOUBLE), grad.array());
    }

    @Test
    void gradientWithRespectToAListOfVariables() {
        Variable w = new Variable(Nd4j.rand(DataType.DOUBLE, 2, 2));
        Variable b = new Variable(Nd4j.zeros(DataType.DOUBLE, 2));
        INDArray xv = Nd4j.rand(DataType.DOUBLE, 2, 2);
        List<Tensor> grads;
        try (GradientTape tape = new GradientTape()) {
            Tensor y = Ops.matmul(Tensor.of(xv), w).add(b);
            grads = tape.gradient(y, List.of(w, b));
        }
        // d sum(xW + b)/dW[i,j] = sum_r x[r,i]; d/db = number of rows
        assertEquals(xv.sum(0).getDouble(0), grads.get(0).array().getDouble(0, 1), 1e-12);
        assertEquals(xv.sum(0).getDouble(1), grads.get(0).array().getDouble(1, 0), 1e-12);
        assertEquals(2.0, grads.get(1).array().getDouble(0), 0);
    }

    @Test
    void constantsNeedWatch() {
        Tensor c = Tensor.of(Nd4j.scalar(3.0));
        try (GradientTape tape = new GradientTape()) {
            Tensor y = c.square();
            assertNull(tape.gradient(y, c));
        }
        Tensor grad;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(c);
            Tensor y = c.square();
            grad = tape.gradient(y, c);
        }
        assertEquals(6.0, grad.item(), 0);
    }

    @Test
    void nestedTapesGiveSecondOrderGradientOfFallingApple() {
        Variable time = new Variable(Nd4j.scalar(0.0));
        Tensor speed;
        Tensor acceleration;
        try (GradientTape outer = new GradientTape()) {
            try (GradientTape inner = new GradientTape()) {
                Tensor position = time.square().mul(4.9);
                speed = inner.gradient(position, time);
            }
            acceleration = outer.gradient(speed, time);
        }
        assertEquals(0.0, speed.item(), 0);
        assertEquals(9.8, acceleration.item(), 1e-12);
    }

    @Test
    void secondOrderGradientsMatchFiniteDifferences() {
        // d2/dx2 of sum(tanh(x) * x^3) elementwise, against the derivative of the analytic first derivative
        INDArray x0 = Nd4j.createFromArray(0.3, -0.7, 1.1);
        Variable x = new Variable(x0.dup());
        Tensor second;
        try (GradientTape outer = new GradientTape()) {
            Tensor first;
            try (GradientTape inner = new GradientTape()) {
                Tensor y = Ops.sum(Ops.mul(Ops.tanh(x), Ops.pow(x, 3)));
                first = inner.gradient(y, x);
            }
            second = outer.gradient(Ops.sum(first), x);
        }
        double h = 1e-5;
        for (int i = 0; i < 3; i++) {
            double v = x0.getDouble(i);
            double numeric = (firstDerivative(v + h) - firstDerivative(v - h)) / (2 * h);
            assertEquals(numeric, second.array().getDouble(i), 1e-6);
        }
    }

    private static double firstDerivative(double x) {
        double t = Math.tanh(x);
        return (1 - t * t) * x * x * x + t * 3 * x * x;
    }

    @Test
    void variablesAssignInPlaceIncludingSubRanges() {
        Variable v = new Variable(Nd4j.zeros(DataType.DOUBLE, 3, 1));
        v.assign(Nd4j.ones(DataType.DOUBLE, 3, 1));
        v.at(0, 0).assign(3.0);
        v.assignAdd(Tensor.of(Nd4j.ones(DataType.DOUBLE, 3, 1)));
        v.assignSub(Tensor.of(Nd4j.ones(DataType.DOUBLE, 3, 1).muli(0.5)));
        assertEquals(Nd4j.createFromArray(new double[][]{{3.5}, {1.5}, {1.5}}), v.array());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.assign(Nd4j.ones(DataType.DOUBLE, 2, 2)));
        assertTrue(e.getMessage().contains("expected shape [3, 1]"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> v.at(3, 0));
    }

    @Test
    void tapeDoesNotRecordAfterClose() {
        Variable x = new Variable(Nd4j.scalar(2.0));
        GradientTape tape = new GradientTape();
        Tensor y = x.square();
        tape.close();
        Tensor z = y.mul(10); // not recorded
        assertEquals(4.0, tape.gradient(y, x).item(), 0);
        assertNull(tape.gradient(z, x));
    }
}
