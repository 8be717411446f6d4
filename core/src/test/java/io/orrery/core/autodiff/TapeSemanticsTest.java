package io.orrery.core.autodiff;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tape's behaviours that match TensorFlow's beyond plain gradients. */
class TapeSemanticsTest {

    private static Variable vector(double... values) {
        return new Variable(Nd4j.createFromArray(values), "w", true);
    }

    @Test
    void gradientUsesTheForwardPassValueAfterAssignSub() {
        Variable w = vector(1, 2, 3);
        Tensor grad;
        try (GradientTape tape = new GradientTape()) {
            Tensor y = Ops.sum(Ops.square(w));
            w.assignSub(Tensor.of(Nd4j.createFromArray(1.0, 1.0, 1.0)));
            grad = tape.gradient(y, w);
        }
        // TensorFlow: 2 * w at the forward pass, not at the new value [0, 1, 2]
        assertArrayEquals(new double[]{2, 4, 6}, grad.array().toDoubleVector(), 0);
        assertArrayEquals(new double[]{0, 1, 2}, w.array().toDoubleVector(), 0);
    }

    @Test
    void gradientUsesTheForwardPassValueAfterAssignAndSliceWrites() {
        Variable w = vector(1, 2, 3);
        Tensor grad;
        try (GradientTape tape = new GradientTape()) {
            Tensor y = Ops.sum(Ops.mul(w, Ops.reshape(w, 3)));  // a reshape of a variable is a read too
            w.at(0).assign(10.0);
            w.assign(Tensor.of(Nd4j.createFromArray(7.0, 7.0, 7.0)));
            grad = tape.gradient(y, w);
        }
        assertArrayEquals(new double[]{2, 4, 6}, grad.array().toDoubleVector(), 0);
    }

    @Test
    void aVariableReadAfterAnAssignUsesTheNewValue() {
        Variable w = vector(1, 2, 3);
        Tensor first;
        Tensor second;
        try (GradientTape tape = new GradientTape()) {
            Tensor y1 = Ops.sum(Ops.square(w));
            w.assign(2.0);
            Tensor y2 = Ops.sum(Ops.square(w));
            first = tape.gradient(y1, w);
            second = tape.gradient(y2, w);
        }
        assertArrayEquals(new double[]{2, 4, 6}, first.array().toDoubleVector(), 0);
        assertArrayEquals(new double[]{4, 4, 4}, second.array().toDoubleVector(), 0);
    }

    @Test
    void aVariableInATrainingLoopSeesEachStepsValue() {
        // a training loop by hand: gradient, then assignSub, many times; each step's gradient is at that step's value
        Variable w = new Variable(Nd4j.scalar(3.0), "w", true);
        for (int step = 0; step < 5; step++) {
            double before = w.item();
            Tensor grad;
            try (GradientTape tape = new GradientTape()) {
                grad = tape.gradient(Ops.square(w), w);
            }
            assertEquals(2 * before, grad.item(), 1e-12);
            w.assignSub(grad.mul(0.1));
            assertEquals(before * 0.8, w.item(), 1e-12);
        }
    }

    @Test
    void watchedVariablesListsWhatTheTapeWatchedInOrder() {
        Variable a = vector(1, 2);
        Variable b = vector(3, 4);
        Variable frozen = new Variable(Nd4j.createFromArray(1.0, 1.0), "frozen", false);
        Variable watched = new Variable(Nd4j.createFromArray(5.0, 6.0), "watched", false);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(watched);
            Ops.add(Ops.mul(b, frozen), a);
            Ops.mul(a, watched);
            assertEquals(List.of(watched, b, a), tape.watchedVariables());
        }
        try (GradientTape tape = new GradientTape(false)) {
            Ops.mul(a, b);
            assertEquals(List.of(), tape.watchedVariables());
        }
    }

    @Test
    void stopRecordingPausesOnlyThisTape() {
        Variable x = new Variable(Nd4j.scalar(2.0), "x", true);
        try (GradientTape outer = new GradientTape(); GradientTape tape = new GradientTape()) {
            Tensor y = Ops.square(x);
            Tensor z;
            try (var paused = tape.stopRecording()) {
                z = Ops.mul(y, x);   // not on `tape`, still on `outer`
            }
            Tensor after = Ops.mul(y, x);
            assertNull(tape.gradient(z, x));
            assertEquals(12.0, tape.gradient(after, x).item(), 1e-12);
            assertEquals(12.0, outer.gradient(z, x).item(), 1e-12);
        }
        GradientTape closed = new GradientTape();
        closed.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, closed::stopRecording);
        assertTrue(e.getMessage().contains("closed tape"), e.getMessage());
    }

    @Test
    void jacobianHasTargetShapeThenSourceShape() {
        Variable x = new Variable(Nd4j.createFromArray(1.0, 2.0, 3.0), "x", true);
        Tensor w = Tensor.of(Nd4j.createFromArray(new double[][]{{1, 2, 3}, {4, 5, 6}}));
        Tensor jSquare;
        Tensor jLinear;
        try (GradientTape tape = new GradientTape()) {
            Tensor y = Ops.square(x);
            Tensor z = Ops.squeeze(Ops.matmul(w, Ops.expandDims(x, 1)), 1);
            jSquare = tape.jacobian(y, x);
            jLinear = tape.jacobian(z, x);
        }
        assertArrayEquals(new long[]{3, 3}, jSquare.shape());
        assertEquals(Nd4j.diag(Nd4j.createFromArray(2.0, 4.0, 6.0)), jSquare.array());
        assertArrayEquals(new long[]{2, 3}, jLinear.shape());
        assertEquals(w.array(), jLinear.array());
    }

    @Test
    void jacobianOfAGradientIsTheHessian() {
        Variable x = new Variable(Nd4j.createFromArray(1.0, 2.0), "x", true);
        Tensor hessian;
        try (GradientTape outer = new GradientTape()) {
            Tensor g;
            try (GradientTape inner = new GradientTape()) {
                // f = x0^2 x1 + x1^3: H = [[2 x1, 2 x0], [2 x0, 6 x1]]
                Tensor x0 = Ops.slice(x, new long[]{0}, new long[]{1});
                Tensor x1 = Ops.slice(x, new long[]{1}, new long[]{1});
                Tensor f = Ops.sum(Ops.add(Ops.mul(Ops.square(x0), x1), Ops.pow(x1, 3)));
                g = inner.gradient(f, x);
            }
            hessian = outer.jacobian(g, x);
        }
        assertArrayEquals(new double[]{4, 2, 2, 12}, hessian.array().reshape(4).toDoubleVector(), 1e-12);
    }

    @Test
    void outputGradientWeighsTheTarget() {
        Variable x = new Variable(Nd4j.createFromArray(1.0, 2.0), "x", true);
        try (GradientTape tape = new GradientTape()) {
            Tensor y = Ops.square(x);
            Tensor g = tape.gradient(y, List.of(x), Tensor.of(Nd4j.createFromArray(10.0, 100.0))).get(0);
            assertArrayEquals(new double[]{20, 400}, g.array().toDoubleVector(), 0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> tape.gradient(y, List.of(x), Tensor.of(Nd4j.ones(DataType.DOUBLE, 3))));
            assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
        }
    }
}
