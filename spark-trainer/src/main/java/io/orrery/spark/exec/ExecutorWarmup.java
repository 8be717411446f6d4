package io.orrery.spark.exec;

import io.orrery.ps.client.ParameterServerClient;
import io.orrery.spark.ModelSpec;
import org.apache.spark.TaskContext;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What an executor JVM does once, in the background, while the data split's tasks run on it and until its first
 * training task starts, so that the first epoch does not pay for it: loading ND4J's native backend, on a cluster
 * launching the JVM's shared media driver (kept for a linger, taken by the first task's client), and training steps
 * of a throwaway replica on synthetic data, exchanged through a throwaway server, which get the JIT to compile the
 * step's loops and the exchange. On a fresh executor the
 * first two were most of the first epoch's join (2-5 s on the 2-core machine of docs/benchmarks.md); without the
 * third the first epoch ran at about half the second's speed (docs/spark-trainer.md).
 */
public final class ExecutorWarmup implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorWarmup.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    /** Set by the first training task of this JVM: the warm-up's steps stop so as not to take its core. */
    private static volatile boolean trainingStarted;

    /** Nothing to warm: in local mode the tasks share the driver's JVM, which has both already. */
    public static final ExecutorWarmup NONE = new ExecutorWarmup(false, false, Duration.ZERO, null, 0, 0);

    private final boolean backend;
    private final boolean mediaDriver;
    private final Duration driverLinger;
    private final ModelSpec model;
    private final int batch;
    private final int tasksPerJvm;

    private ExecutorWarmup(boolean backend, boolean mediaDriver, Duration driverLinger, ModelSpec model, int batch,
                           int tasksPerJvm) {
        this.backend = backend;
        this.mediaDriver = mediaDriver;
        this.driverLinger = driverLinger;
        this.model = model;
        this.batch = batch;
        this.tasksPerJvm = tasksPerJvm;
    }

    /**
     * @param mediaDriver whether the tasks will reach a server over UDP through the JVM's shared media driver
     * @param driverLinger how long the launched driver waits for its first user
     */
    public static ExecutorWarmup of(boolean mediaDriver, Duration driverLinger) {
        return new ExecutorWarmup(true, mediaDriver, driverLinger, null, 0, 0);
    }

    /**
     * Also runs up to {@link WarmupSteps#MAX_STEPS} training steps of a replica of {@code model} on synthetic
     * batches of {@code batch} samples, with the native thread pools sized as the training tasks will size them; when
     * the tasks will reach a server, each step's gradient goes through a throwaway one in this JVM.
     */
    public ExecutorWarmup training(ModelSpec spec, int workerBatch, int tasksSharingJvm) {
        return new ExecutorWarmup(backend, mediaDriver, driverLinger, spec, workerBatch, tasksSharingJvm);
    }

    /** Starts the warm-up on this JVM unless it has started before; returns at once. Call it from a task. */
    public void begin() {
        if (!(backend || mediaDriver) || !STARTED.compareAndSet(false, true)) {
            return;
        }
        TaskContext task = TaskContext.get();
        int taskCpus = task == null ? 1 : task.cpus();
        Thread thread = new Thread(() -> run(taskCpus), "orrery-executor-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    /** Called by every training task when it starts: a warm-up still stepping stops after its current step. */
    public static void trainingStarts() {
        trainingStarted = true;
    }

    private void run(int taskCpus) {
        long started = System.nanoTime();
        try {
            if (backend) {
                Nd4j.zeros(1);
            }
            if (mediaDriver) {
                ParameterServerClient.prelaunchSharedDriver(driverLinger);
            }
            long ready = System.nanoTime();
            int steps = 0;
            // Only on the CPU backend: a GPU task binds its device first (GpuBinding), which this thread cannot know.
            if (model != null && !trainingStarted && Nd4j.getEnvironment().isCPU()) {
                NativeThreads.forExecutorWarmup(taskCpus, tasksPerJvm);
                steps = WarmupSteps.run(model, batch, mediaDriver, () -> trainingStarted);
            }
            LOG.debug("executor warm-up done: backend and media driver {} ms, {} training steps {} ms",
                    (ready - started) / 1_000_000, steps, (System.nanoTime() - ready) / 1_000_000);
        } catch (RuntimeException | LinkageError e) {
            // The first task does the same work itself and reports any failure with its context.
            LOG.debug("executor warm-up failed, the first task will do it: {}", e.toString());
        }
    }
}
