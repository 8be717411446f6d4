package io.orrery.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Central finite differences over arrays that are changed in place (a model's flat parameter buffer, an input
 * batch), for checking gradients that come from somewhere other than {@code GradCheck}'s own tape: layer weights,
 * the fused training path, a whole model.
 */
public final class FiniteDifferences {

    public static final double H = 1e-6;

    private FiniteDifferences() {
    }

    /**
     * d objective / d array, element by element, by central differences; the array is perturbed in place (element
     * {@code i} of its c-order flattening) and restored.
     */
    public static INDArray gradient(DoubleSupplier objective, INDArray array) {
        if (array.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("finite differences run in float64, found " + array.dataType());
        }
        long n = array.length();
        double[] g = new double[(int) n];
        long[] shape = array.shape();
        for (int i = 0; i < n; i++) {
            long[] idx = org.nd4j.linalg.api.shape.Shape.ind2subC(shape, i);
            double orig = array.getDouble(idx);
            array.putScalar(idx, orig + H);
            double plus = objective.getAsDouble();
            array.putScalar(idx, orig - H);
            double minus = objective.getAsDouble();
            array.putScalar(idx, orig);
            g[i] = (plus - minus) / (2 * H);
        }
        return org.nd4j.linalg.factory.Nd4j.create(g, shape, DataType.DOUBLE);
    }

    /** Asserts elementwise closeness, relative to each value's size (absolute below 1). */
    public static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what + ": shape");
        INDArray e = expected.castTo(DataType.DOUBLE).dup('c');
        INDArray a = actual.castTo(DataType.DOUBLE).dup('c');
        double[] ev = e.reshape(e.length()).toDoubleVector();
        double[] av = a.reshape(a.length()).toDoubleVector();
        for (int i = 0; i < ev.length; i++) {
            assertEquals(ev[i], av[i], tolerance * Math.max(1.0, Math.abs(ev[i])), what + " [" + i + "]");
        }
    }
}
