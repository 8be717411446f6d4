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
     * ({@link Backend#configureThreads()}: every core for BLAS only when OMP_WAIT_POLICY=PASSIVE). When the
     * parameter server shares the JVM (local mode), one core is left to its threads: the tasks share the others
     * (rounded up, at least one thread each). Measured in {@code local[1]} on 2 cores: one BLAS thread gave 12.2-12.4k
     * samples/s, two gave 11.4-11.5k (docs/benchmarks.md).
     */
    static void shareBetween(int tasksPerJvm, boolean serverInJvm) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (tasksPerJvm <= 1 && !serverInJvm) {
            Backend.configureThreads();
            return;
        }
        int tasks = Math.max(1, tasksPerJvm);
        int share = serverInJvm ? (Math.max(1, cores - 1) + tasks - 1) / tasks : cores / tasks;
        int blas = Integer.getInteger("orrery.blas.threads", Math.max(1, share));
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.factory().blas().setMaxThreads(blas);
    }
}
