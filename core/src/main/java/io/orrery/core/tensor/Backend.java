package io.orrery.core.tensor;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Process-wide numeric settings, as {@code keras.backend}: the default float type of new weights and constants.
 */
public final class Backend {

    private static volatile DataType floatx = DataType.FLOAT;

    private Backend() {
    }

    /** The float type of new weights and constants ({@code float32} unless changed). */
    public static DataType floatx() {
        return floatx;
    }

    /**
     * Sets ND4J's thread pools deliberately. Its OpenMP pool (elementwise ops) and OpenBLAS's pool (GEMM) both spin
     * while waiting and fight when each takes every core (1.7-2.7x slower at two threads, FIELD-NOTES.md); holding
     * the OpenMP pool to one thread avoids that. System properties override: {@code orrery.omp.threads},
     * {@code orrery.blas.threads} (default: all cores for BLAS, one for OpenMP). Safe to call more than once.
     */
    public static void configureThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        int omp = Integer.getInteger("orrery.omp.threads", 1);
        int blas = Integer.getInteger("orrery.blas.threads", cores);
        org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxMasterThreads(Math.max(1, omp));
        org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxThreads(Math.max(1, omp));
        org.nd4j.linalg.factory.Nd4j.factory().blas().setMaxThreads(Math.max(1, blas));
    }

    /** Sets the default float type; tests use {@code DOUBLE} for finite-difference gradient checks. */
    public static void setFloatx(DataType type) {
        if (!type.isFPType()) {
            throw new IllegalArgumentException("floatx must be a floating-point type, found " + type);
        }
        floatx = type;
    }
}
