package io.orrery.core.tensor;

import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Intra-op parallelism in Java: the fused layers split a batch (or a product's output columns) into parts and run
 * each part on its own thread, every part calling single-threaded BLAS. ND4J's OpenMP pool and OpenBLAS's pool both
 * spin after each call and, at two threads each, fight over the cores (FIELD-NOTES.md: 1.7-2.7x slower); Java
 * threads that park when idle do not, and they also run the host loops (im2col, col2im, pooling) that no native
 * pool parallelises.
 *
 * <p>The number of threads is process-wide: {@code orrery.compute.threads} if set, else every core the JVM sees.
 * A trainer that runs several tasks in one JVM sets each task's share with {@link #setThreads}. When more than one
 * thread is used, {@link Backend#configureThreads()} holds BLAS to one thread per call.
 */
public final class ComputeThreads {

    private static volatile int threads = Math.max(1,
            Integer.getInteger("orrery.compute.threads", Runtime.getRuntime().availableProcessors()));
    /** Below this many multiply-adds (well under 1 ms of one core) an operation runs on the caller alone. */
    private static final long MIN_SPLIT_WORK = 200_000;
    private static ExecutorService pool;
    private static int poolSize;

    private ComputeThreads() {
    }

    /** Threads a fused layer may use for one operation (1 means run on the caller only). */
    public static int threads() {
        return threads;
    }

    /** Sets the threads per operation; at least 1. Safe to call at any time between steps. */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("compute threads must be at least 1, received " + n);
        }
        threads = n;
    }

    /**
     * Runs {@code body.accept(part)} for every part in {@code [0, parts)}: part 0 on the caller, the others on
     * pooled threads; returns when all are done and rethrows the first failure.
     */
    public static void run(int parts, IntConsumer body) {
        if (parts <= 1) {
            body.accept(0);
            return;
        }
        ExecutorService workers = pool(parts - 1);
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future[parts - 1];
        for (int p = 1; p < parts; p++) {
            int part = p;
            futures[p - 1] = workers.submit(() -> body.accept(part));
        }
        RuntimeException failure = null;
        try {
            body.accept(0);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException("a compute thread failed: " + e.getCause(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = new IllegalStateException("interrupted while waiting for compute threads", e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * How many parts to split an operation of {@code work} multiply-adds over {@code items} independent items into:
     * 1 when there is one thread, when the work is too small to pay for a hand-off (about 10 µs), or when BLAS
     * runs its own pool (stacking both would put two threads on each core).
     */
    public static int parts(long work, int items) {
        int t = threads;
        if (t <= 1 || items <= 1 || work < MIN_SPLIT_WORK || Nd4j.factory().blas().getMaxThreads() > 1) {
            return 1;
        }
        return Math.min(t, items);
    }

    /** The first index of part {@code p} when {@code n} items are split into {@code parts} near-equal parts. */
    public static int start(int n, int parts, int p) {
        return (int) ((long) n * p / parts);
    }

    private static synchronized ExecutorService pool(int size) {
        if (pool == null || poolSize < size) {
            ExecutorService old = pool;
            poolSize = size;
            pool = Executors.newFixedThreadPool(size, r -> {
                Thread t = new Thread(r, "orrery-compute");
                t.setDaemon(true);
                return t;
            });
            if (old != null) {
                old.shutdown();
            }
        }
        return pool;
    }
}
