package io.orrery.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Random;

/**
 * Initializers that the recurrent and embedding layers need beyond {@link Initializers}: {@code "orthogonal"}
 * (Keras's default recurrent initializer) and {@code "uniform"} (Keras's short name for {@code RandomUniform(-0.05,
 * 0.05)}, the Embedding default). Every other name goes to {@link Initializers#get}.
 */
final class LayerInitializers {

    private LayerInitializers() {
    }

    static Initializer get(String name) {
        return switch (name) {
            case "orthogonal" -> LayerInitializers::orthogonal;
            case "uniform" -> Initializers.get("random_uniform");
            default -> {
                try {
                    yield Initializers.get(name);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Invalid initializer: expected one of " + Initializers.NAMES
                            + ", \"orthogonal\" or \"uniform\", received \"" + name + "\"", e);
                }
            }
        };
    }

    /**
     * Keras's {@code Orthogonal(gain=1)}: the weight flattened to (product of leading axes, last axis) has orthonormal
     * rows or columns, whichever are fewer. As Keras: QR of a normal matrix of shape (max, min), with Q's columns
     * signed so that R's diagonal is positive (what Gram-Schmidt gives directly), transposed when rows < columns.
     */
    static INDArray orthogonal(long[] shape, DataType type, Random rng) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("the orthogonal initializer needs a weight of rank 2 or more, found shape "
                    + Arrays.toString(shape));
        }
        int cols = (int) shape[shape.length - 1];
        int rows = (int) (Layer.product(shape, 0) / cols);
        int n = Math.max(rows, cols);
        int m = Math.min(rows, cols);
        double[][] q = new double[m][n]; // q[j] is column j of the (n, m) matrix
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                q[j][i] = rng.nextGaussian();
            }
        }
        // modified Gram-Schmidt, run twice per column for orthogonality to rounding error
        for (int j = 0; j < m; j++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[k][i] * q[j][i];
                    }
                    for (int i = 0; i < n; i++) {
                        q[j][i] -= dot * q[k][i];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += q[j][i] * q[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[j][i] /= norm;
            }
        }
        double[] flat = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                // (n, m) matrix Q: Q itself when rows >= cols, its transpose otherwise
                flat[r * cols + c] = rows >= cols ? q[c][r] : q[r][c];
            }
        }
        return Nd4j.create(flat, shape, type);
    }
}
