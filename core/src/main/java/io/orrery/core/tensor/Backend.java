package io.orrery.core.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

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
     * Sets ND4J's thread pools deliberately. OpenBLAS here is the OpenMP build: after each GEMM its worker threads
     * spin, and with the JVM's own thread they fight over the cores. Measured on 2 cores (docs/benchmarks.md):
     * one epoch of the reference model took 13 s with two BLAS threads, 2.1-2.4 s with one, and 1.5-1.7 s with two
     * when {@code OMP_WAIT_POLICY=PASSIVE} makes idle threads sleep. So BLAS gets every core only when that
     * variable is set (it must be set before the JVM starts), one thread otherwise; ND4J's own OpenMP pool
     * (elementwise ops, memory-bound here) gets one. System properties override: {@code orrery.omp.threads},
     * {@code orrery.blas.threads}. When the layers split their own work over {@link ComputeThreads} (more than one
     * thread, the default on a multi-core machine), BLAS keeps one thread per call whatever the variable says.
     * Safe to call more than once.
     */
    public static void configureThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        boolean passiveWaits = "PASSIVE".equalsIgnoreCase(System.getenv("OMP_WAIT_POLICY"));
        int omp = Integer.getInteger("orrery.omp.threads", 1);
        // layers split their products over ComputeThreads themselves, each part on one BLAS thread
        int blas = Integer.getInteger("orrery.blas.threads", passiveWaits && ComputeThreads.threads() <= 1 ? cores : 1);
        Nd4j.getEnvironment().setMaxMasterThreads(Math.max(1, omp));
        Nd4j.getEnvironment().setMaxThreads(Math.max(1, omp));
        Nd4j.factory().blas().setMaxThreads(Math.max(1, blas));
    }

    /** Sets the default float type; tests use {@code DOUBLE} for finite-difference gradient checks. */
    public static void setFloatx(DataType type) {
        if (!type.isFPType()) {
            throw new IllegalArgumentException("floatx must be a floating-point type, found " + type);
        }
        floatx = type;
    }
}
