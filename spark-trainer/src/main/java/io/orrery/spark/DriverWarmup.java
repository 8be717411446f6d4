package io.orrery.spark;

import io.orrery.core.optimizers.Optimizer;
import io.orrery.ps.ExchangeWarmup;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While a cluster fit splits its data, the driver, which will host the parameter server, runs a throwaway exchange
 * ({@link ExchangeWarmup}) so that the server's code is compiled before the first epoch, as the executors do with
 * theirs ({@code exec.ExecutorWarmup}). It stops at {@link #finish()}, before the first training stage starts.
 */
final class DriverWarmup {

    private static final Logger LOG = LoggerFactory.getLogger(DriverWarmup.class);
    /** Enough for C2 to compile the server's loops (they run over the whole model each step). */
    static final int MAX_STEPS = 60;
    /** How long {@link #finish()} waits for a stopping warm-up before it goes on (the thread is a daemon). */
    private static final long FINISH_WAIT_MS = 2_000;

    static final DriverWarmup NONE = new DriverWarmup(null);

    private final Thread thread;
    private volatile boolean stop;

    private DriverWarmup(Thread thread) {
        this.thread = thread;
    }

    /** Starts warming the server's code for {@code model} on a thread of its own; NONE without an optimizer. */
    static DriverWarmup begin(ReplicableModel model) {
        Optimizer optimizer = model.optimizer();
        if (optimizer == null || !Nd4j.getEnvironment().isCPU()) {
            return NONE;
        }
        long length = model.parameters().length();
        DriverWarmup[] self = new DriverWarmup[1];
        Thread thread = new Thread(() -> self[0].run(length, optimizer), "orrery-driver-warmup");
        thread.setDaemon(true);
        self[0] = new DriverWarmup(thread);
        thread.start();
        return self[0];
    }

    private void run(long length, Optimizer optimizer) {
        long started = System.nanoTime();
        int steps = 0;
        // Small values, so that the throwaway state stays finite. The optimizer holds no state of its own (its state
        // object does), so the real server and this one can share it, as shards do.
        INDArray gradient = Nd4j.rand(DataType.FLOAT, length).subi(0.5).muli(1e-3);
        try (ExchangeWarmup warm = ExchangeWarmup.start(length, optimizer)) {
            while (steps < MAX_STEPS && !stop) {
                warm.step(gradient);
                steps++;
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("driver warm-up stopped: {}", e.toString());
        }
        LOG.debug("driver warm-up done: {} exchange steps in {} ms", steps, (System.nanoTime() - started) / 1_000_000);
    }

    /** Whether the warm-up's thread has ended (or never ran). */
    boolean finished() {
        return thread == null || !thread.isAlive();
    }

    /** Stops the warm-up (after its current step) and waits, briefly, until its server has closed. */
    void finish() {
        if (thread == null) {
            return;
        }
        stop = true;
        try {
            thread.join(FINISH_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
