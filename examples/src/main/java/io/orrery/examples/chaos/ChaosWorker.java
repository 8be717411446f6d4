package io.orrery.examples.chaos;

import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.models.Sequential;
import io.orrery.core.tensor.Backend;
import io.orrery.ps.JobKey;
import io.orrery.ps.JobSecret;
import io.orrery.ps.JobToken;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.client.ParameterServerTimeoutException;
import io.orrery.ps.client.StepFailedException;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * One worker process of a chaos run: joins the `ps` process over UDP on loopback, trains its share of MNIST with
 * {@link ParameterServerClient} steps, and survives what the scenarios do to it: a failed SYNC step is sent again, a
 * lost server (killed and restarted) is joined again under the same worker id. It gives up, with a message naming the
 * server and the step, only when no step has completed for {@code stallSeconds}.
 *
 * <p>It prints {@code progress=n} after each of its steps (the runner picks the moment of a fault from it), every
 * {@link #MEMORY_EVERY} {@code memory heapUsed=u heapCommitted=c offHeap=o} (what a soak reads to tell heap from
 * off-heap growth) and at the end {@code result accuracy=a steps=n retries=r rejoins=j heapPeakBytes=h drops=d}, the test
 * accuracy of the newest parameters on the 10,000 MNIST test images, and what the client dropped ({@code drops=}).
 *
 * <p>Arguments: host port tokenFile workerId workers steps batch stallSeconds firstLocalStep stopFile; a keyed job's
 * secret comes in {@link JobSecret#ENVIRONMENT_VARIABLE} instead of the token (the file is then not read). A worker
 * restarted after a kill starts ASYNC/BOUNDED numbering at {@code firstLocalStep}, where the killed one stopped; it
 * stops early once {@code stopFile} exists (a soak runs for a time, not a step count).
 */
public final class ChaosWorker {

    /**
     * A pause after each step ({@code -Dorrery.chaos.stepDelayMs}), for a fault that must land while the workers
     * train on a machine fast enough to finish first; SYNC results do not depend on timing, so they stay comparable.
     */
    private static final long STEP_DELAY_MS = Long.getLong("orrery.chaos.stepDelayMs", 0);

    /** ASYNC/BOUNDED: how long no new parameters mean the job has ended, before the final evaluation. */
    static final Duration QUIET = Duration.ofSeconds(3);

    /** How often a worker reports its memory: often enough for a trend over a 30-second soak. */
    static final Duration MEMORY_EVERY = Duration.ofSeconds(2);

    private final String host;
    private final int port;
    private final long token;
    /** The keyed job's key (from the secret in the environment, as a Spark executor gets it), else null. */
    private final JobKey key;
    private final int workerId;
    private final int workers;
    private final int steps;
    private final int batch;
    private final Duration stall;
    private final long firstLocal;
    private final Path stopFile;
    private final Sequential model = ChaosModel.create();
    private ParameterServerClient client;
    private int retries;
    private int rejoins;

    private ChaosWorker(String[] args) throws Exception {
        this.host = args[0];
        this.port = Integer.parseInt(args[1]);
        this.key = JobSecret.fromEnvironment(System.getenv()).map(s -> JobKey.derive(s, ChaosJob.JOB_ID)).orElse(null);
        this.token = key != null ? 0 : JobToken.read(Path.of(args[2]));
        this.workerId = Integer.parseInt(args[3]);
        this.workers = Integer.parseInt(args[4]);
        this.steps = Integer.parseInt(args[5]);
        this.batch = Integer.parseInt(args[6]);
        this.stall = Duration.ofSeconds(Long.parseLong(args[7]));
        this.firstLocal = Long.parseLong(args[8]);
        this.stopFile = Path.of(args[9]);
    }

    public static void main(String[] args) {
        try {
            Backend.configureThreads();
            new ChaosWorker(args).run();
            System.exit(0);
        } catch (Throwable e) {
            System.out.println("failed " + e);
            e.printStackTrace(System.out);
            System.exit(2);
        }
    }

    private void run() {
        TrainTestSplit mnist = ChaosModel.mnist();
        INDArray[] train = ChaosModel.rows(mnist.train());
        INDArray[] test = ChaosModel.rows(mnist.test());
        long lastProgress = System.nanoTime();
        long lastMemory = 0;
        long step = join();
        boolean sync = client.mode().isSync();
        // SYNC: steps are the server's versions, the same for every worker; run until the job reaches `steps`.
        // ASYNC/BOUNDED: each worker sends `steps` gradients of its own, numbered 0, 1, ... (the server keeps the
        // last number per worker, so after a rejoin the count goes on).
        long local = sync ? step : firstLocal;
        boolean resync = false;
        while ((sync ? step : local) < steps && !Files.exists(stopFile)) {
            try {
                if (resync) {
                    client.awaitInitialParameters(model.parameters(), Duration.ofSeconds(20));
                    step = client.startStep();
                    resync = false;
                }
                long number = sync ? step : local;
                INDArray[] xy = ChaosModel.batch(train, number * workers * batch + (long) workerId * batch, batch);
                model.computeGradients(xy[0], xy[1]);
                client.pushGradients(number, model.gradients());
                client.nextParameters(number, model.parameters(), Duration.ofSeconds(20));
                step++;
                local++;
                lastProgress = System.nanoTime();
                System.out.println("progress=" + (sync ? step : local));
                if (STEP_DELAY_MS > 0) {
                    sleep(STEP_DELAY_MS);
                }
                if (lastProgress - lastMemory >= MEMORY_EVERY.toNanos()) {
                    lastMemory = lastProgress;
                    System.out.println(memoryLine());
                }
            } catch (StepFailedException e) {
                // SYNC: a peer's gradient was missing; the server stays at the step, which is sent again
                retries++;
                System.out.println("retry step=" + e.step() + " reason=" + e.getMessage());
                checkStall(lastProgress, step, e);
                resync = true;
            } catch (RuntimeException e) {
                // server gone (killed, restarting) or unreachable: join again under the same id
                checkStall(lastProgress, step, e);
                System.out.println("rejoin after step=" + step + " reason=" + e.getMessage());
                rejoins++;
                closeQuietly();
                step = join();
            }
        }
        if (!sync) {
            awaitQuiet(local - 1);
        }
        // the newest parameters, not the ones this worker's last wait returned (ASYNC: others may have gone on)
        client.awaitInitialParameters(model.parameters(), Duration.ofSeconds(20));
        double accuracy = model.evaluate(test[0], test[1], 1000).get("accuracy");
        // drops: what this worker's last client refused, e.g. a rogue's messages (WRONG_SENDER)
        System.out.printf(Locale.ROOT, "result accuracy=%.5f steps=%d retries=%d rejoins=%d heapPeakBytes=%d drops=%s%n",
                accuracy, sync ? step : local, retries, rejoins, heapPeak(), client.drops().summary().replace(' ', ','));
        closeQuietly();
    }

    /**
     * ASYNC/BOUNDED: waits until no new parameters have arrived for {@link #QUIET}, so that a worker that finishes
     * first evaluates what the job ends with, not a version its peers are still moving (measured: two workers of one
     * ASYNC run evaluated 0.763 and 0.844, the parameters the job ended with 0.851).
     */
    private void awaitQuiet(long lastStep) {
        INDArray before = model.parameters().dup();
        while (true) {
            try {
                client.awaitParameters(lastStep, model.parameters(), QUIET);
            } catch (ParameterServerTimeoutException quiet) {
                // nothing newer in time (or a BOUNDED wait for a slow peer); compared below
            }
            if (model.parameters().equals(before)) {
                return;
            }
            before.assign(model.parameters());
        }
    }

    /** Joins (again), retrying while the server is away, until {@code stall} passes. */
    private long join() {
        long deadline = System.nanoTime() + stall.toNanos();
        while (true) {
            try {
                ClientConfig.Builder config = ClientConfig.builder().jobId(ChaosJob.JOB_ID).udp(host, port)
                        .workerId(workerId).joinTimeout(Duration.ofSeconds(10));
                client = ParameterServerClient.connect((key != null ? config.jobKey(key) : config.token(token)).build());
                client.awaitInitialParameters(model.parameters(), Duration.ofSeconds(20));
                return client.startStep();
            } catch (RuntimeException e) {
                closeQuietly();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("worker " + workerId + " could not join the parameter server at "
                            + host + ":" + port + " within " + stall.toSeconds() + " s: " + e.getMessage()
                            + "; check that `ps` runs (or was restarted with --resume)", e);
                }
                sleep(500);
            }
        }
    }

    private void checkStall(long lastProgress, long step, RuntimeException cause) {
        if (System.nanoTime() - lastProgress > stall.toNanos()) {
            throw new IllegalStateException("worker " + workerId + " made no progress for " + stall.toSeconds()
                    + " s at step=" + step + " against the parameter server at " + host + ":" + port + ": "
                    + cause.getMessage(), cause);
        }
    }

    private void closeQuietly() {
        if (client != null) {
            try {
                client.close();
            } catch (RuntimeException ignored) {
                // the server may be gone; nothing to tell it
            }
            client = null;
        }
    }

    /**
     * Heap used and committed, and off-heap: ND4J's native buffers (JavaCPP's count of the memory it allocated) plus
     * NIO direct and mapped buffers. Resident memory minus these is the JVM itself (code cache, metaspace, threads)
     * and the native libraries' own allocations.
     */
    private static String memoryLine() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long offHeap = Pointer.totalBytes();
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            offHeap += Math.max(0, pool.getMemoryUsed());
        }
        return "memory heapUsed=" + heap.getUsed() + " heapCommitted=" + heap.getCommitted() + " offHeap=" + offHeap;
    }

    private static long heapPeak() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
