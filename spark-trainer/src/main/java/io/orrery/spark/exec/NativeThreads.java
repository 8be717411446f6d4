package io.orrery.spark.exec;

import io.orrery.core.tensor.Backend;
import io.orrery.core.tensor.ComputeThreads;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Splits the JVM's cores between training tasks that share it (Spark local mode, or executors with several cores):
 * ND4J's OpenMP pool and OpenBLAS's pool each default to every core, so two tasks run four spinning pools on two
 * cores and compute several times slower (FIELD-NOTES.md). Process-wide settings, set to the same values by every
 * task of the stage.
 *
 * <p>In an executor the JVM sees every core of the host ({@code availableProcessors}), but Spark gave the task only
 * {@code spark.task.cpus} of them and runs other executors beside it: a 1-core executor that sized its pools from
 * the host's cores ran two BLAS threads (with {@code OMP_WAIT_POLICY=PASSIVE}) next to another executor doing the
 * same. So executor tasks size their pools from the task's cores.
 */
final class NativeThreads {

    private static final Logger LOG = LoggerFactory.getLogger(NativeThreads.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private NativeThreads() {
    }

    /**
     * One OpenMP thread and cores / tasks BLAS threads per task; a task alone in its JVM takes core's defaults
     * ({@link Backend#configureThreads()}: every core for BLAS only when OMP_WAIT_POLICY=PASSIVE). When the
     * parameter server shares the JVM (local mode), one core is left to its threads: the tasks share the others
     * (rounded up, at least one thread each). Measured in {@code local[1]} on 2 cores: one BLAS thread gave 12.2-12.4k
     * samples/s, two gave 11.4-11.5k (docs/benchmarks.md). In an executor (no server in the JVM) the cores are the
     * task's own, {@code spark.task.cpus}: see {@link #forExecutorTask}.
     */
    static void shareBetween(int tasksPerJvm, boolean serverInJvm) {
        int cores = Runtime.getRuntime().availableProcessors();
        TaskContext task = TaskContext.get();
        // In local mode tasks run in the driver's JVM (executor id "driver") and share its cores as below.
        SparkEnv env = SparkEnv.get();
        if (!serverInJvm && task != null && env != null && !"driver".equals(env.executorId())) {
            forExecutorTask(task.cpus(), tasksPerJvm, cores);
            return;
        }
        if (tasksPerJvm <= 1 && !serverInJvm) {
            Backend.configureThreads();
            return;
        }
        int tasks = Math.max(1, tasksPerJvm);
        int share = serverInJvm ? (Math.max(1, cores - 1) + tasks - 1) / tasks : cores / tasks;
        int blas = Integer.getInteger("orrery.blas.threads", Math.max(1, share));
        // the layers' own split (ComputeThreads) gets the same share; it splits only while BLAS keeps one thread
        ComputeThreads.setThreads(Integer.getInteger("orrery.compute.threads", Math.max(1, share)));
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.factory().blas().setMaxThreads(blas);
    }

    /**
     * An executor's task: {@link #threadsForTask} BLAS threads, one OpenMP thread (ND4J's elementwise ops are
     * memory-bound here); {@code orrery.blas.threads} and {@code orrery.omp.threads} override.
     */
    private static void forExecutorTask(int taskCpus, int tasksPerJvm, int jvmCores) {
        boolean passive = "PASSIVE".equalsIgnoreCase(System.getenv("OMP_WAIT_POLICY"));
        int blas = Integer.getInteger("orrery.blas.threads", threadsForTask(taskCpus, tasksPerJvm, jvmCores, passive));
        int omp = Integer.getInteger("orrery.omp.threads", 1);
        int own = Math.max(1, Math.min(Math.max(1, taskCpus), jvmCores / Math.max(1, tasksPerJvm)));
        ComputeThreads.setThreads(Integer.getInteger("orrery.compute.threads", own));
        Nd4j.getEnvironment().setMaxMasterThreads(Math.max(1, omp));
        Nd4j.getEnvironment().setMaxThreads(Math.max(1, omp));
        Nd4j.factory().blas().setMaxThreads(Math.max(1, blas));
        if (LOGGED.compareAndSet(false, true)) {
            LOG.info("native threads of an executor task: spark.task.cpus={} tasksPerJvm={} jvmCores={}"
                            + " OMP_WAIT_POLICY={} blasThreads={} ompThreads={}", taskCpus, tasksPerJvm, jvmCores,
                    passive ? "PASSIVE" : "unset", blas, omp);
        }
    }

    /**
     * BLAS threads for a task with {@code taskCpus} cores: all of them when idle OpenMP threads sleep
     * ({@code OMP_WAIT_POLICY=PASSIVE}), else one (spinning pools fight, FIELD-NOTES.md); never more than the JVM's
     * cores divided among the tasks that share it.
     */
    static int threadsForTask(int taskCpus, int tasksPerJvm, int jvmCores, boolean passiveWaits) {
        int own = Math.max(1, Math.min(Math.max(1, taskCpus), jvmCores / Math.max(1, tasksPerJvm)));
        return passiveWaits ? own : 1;
    }
}
