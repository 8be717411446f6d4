package io.orrery.spark.exec;

import io.orrery.core.tensor.Backend;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Splits the JVM's cores between training tasks that share it (Spark local mode, or executors with several cores):
 * ND4J's OpenMP pool and OpenBLAS's pool each default to every core, so two tasks run four spinning pools on two
 * cores and compute several times slower (FIELD-NOTES.md). Process-wide settings, set to the same values by every
 * task of the stage.
 */
final class NativeThreads {

    private NativeThreads() {
    }

    /**
     * One OpenMP thread and cores / tasks BLAS threads per task; a task alone in its JVM takes core's defaults
     * ({@link Backend#configureThreads()}: every core for BLAS only when OMP_WAIT_POLICY=PASSIVE).
     */
    static void shareBetween(int tasksPerJvm) {
        if (tasksPerJvm <= 1) {
            Backend.configureThreads();
            return;
        }
        int blas = Math.max(1, Runtime.getRuntime().availableProcessors() / tasksPerJvm);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.factory().blas().setMaxThreads(blas);
    }
}
