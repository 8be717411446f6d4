package io.orrery.spark;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment an executor JVM needs for fast native compute, to be set as {@code spark.executorEnv.NAME} when
 * the session is built (Spark reads executor environment only at launch, so a trainer cannot set it later).
 *
 * <p>OpenMP and OpenBLAS threads spin after each operation by default and fight over the cores
 * (FIELD-NOTES.md): {@code OMP_WAIT_POLICY=PASSIVE} makes idle threads sleep, and the pools are sized to the
 * task's cores ({@code spark.task.cpus}) rather than the host's, which other executors share. The task then
 * sets its thread counts within these limits ({@code NativeThreads}).
 */
public final class ExecutorEnvironment {

    private ExecutorEnvironment() {
    }

    /** Variable name to value, for {@code spark.executorEnv.<name>}, for tasks of {@code taskCpus} cores. */
    public static Map<String, String> forTaskCpus(int taskCpus) {
        if (taskCpus < 1) {
            throw new IllegalArgumentException("spark.task.cpus: expected at least 1, found " + taskCpus);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        env.put("OMP_NUM_THREADS", Integer.toString(taskCpus));
        env.put("OPENBLAS_NUM_THREADS", Integer.toString(taskCpus));
        return env;
    }
}
