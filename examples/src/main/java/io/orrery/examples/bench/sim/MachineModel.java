package io.orrery.examples.bench.sim;

import java.util.Locale;

/**
 * The step model of clusters on the measuring machine (a local cluster on loopback, the namespace test bed at a
 * capped rate), fitted to a few measured runs and checked against the others. Where {@link StepSimulator} predicts
 * data-centre clusters whose hosts have cores of their own, here every "host" shares the machine's cores, so three
 * things the data-centre model leaves out set the pace and are modelled:
 *
 * <ul>
 *   <li><b>Shared cores.</b> Every executor JVM beyond the first slows the work that competes with its compute
 *       (compute, the fixed round trip, the epoch start) by {@code contentionPerWorker}: with N workers by
 *       {@code 1 + contentionPerWorker x (N - 1)}. Fitted from the loopback cluster's compute at 1 and 2 workers,
 *       it includes what the machine's other jobs take. The per-message work is not slowed: it runs while the
 *       workers wait, not while they compute (measured: at 1 Gbit/s the driver's 2-worker exchange took 1.9x the
 *       1-worker one, the ratio of the server's messages, while compute slowed 3.4x).</li>
 *   <li><b>Per-message cost.</b> Every message costs CPU time ({@code messageSeconds}) whatever its size: a
 *       1500-byte link's 320-float chunks make 1,273 messages of the MLP's gradient where loopback's 16,344-float
 *       chunks make 25. A phase (gradients in, parameters out) takes the longer of its link time and the CPU time
 *       of the messages its busiest server agent handles (the driver's server: N x m; a colocated shard: m).</li>
 *   <li><b>Rate caps.</b> The busiest link's bytes per phase at the capped rate, with the framing of the link's
 *       frames: the driver's link carries N gradients in and N parameter copies out; colocated, each host
 *       carries (N-1)/N of a gradient and of the parameters each way.</li>
 * </ul>
 *
 * A step is compute, then a fixed round trip ({@code fixedSeconds}: the barrier's wake-ups, idle strategies), the
 * two phases, the server's reduction and the straggler wait; an epoch adds a fixed start per placement (the barrier
 * stage, and for colocated shards their start and collection).
 *
 * @param parameters              model parameters (floats in a gradient)
 * @param batchPerWorker          samples per worker and step
 * @param computeSecondsPerSample one uncontended worker's compute per sample
 * @param contentionPerWorker     slowdown of CPU-bound work per executor beyond the first
 * @param messageSeconds          CPU time of one message in one process
 * @param fixedSeconds            per-step exchange time that does not depend on bytes or messages
 * @param driverEpochSeconds      wall time per epoch outside the steps, shards in the driver
 * @param colocatedEpochSeconds   the same with colocated shards
 * @param framing                 wire bytes per payload byte on a rate-capped link
 */
public record MachineModel(long parameters, int batchPerWorker, double computeSecondsPerSample,
                           double contentionPerWorker, double messageSeconds, double fixedSeconds,
                           double driverEpochSeconds, double colocatedEpochSeconds, double framing) {

    /** Coefficient of variation of a worker's compute: the barrier waits for the slowest. */
    static final double JITTER = 0.05;

    /**
     * Fits the model to three or four runs: the loopback cluster's 1-worker run (compute per sample, the fixed
     * round trip, the epoch start), its 2-worker run (the contention: its compute against the 1-worker run's), the
     * 1-worker run on a capped link with the shards in the driver (the per-message cost, from 1,273 messages per
     * phase instead of 25), and, when there is one, the 1-worker run with colocated shards (their epoch start;
     * without it the model takes the driver's, and misses the shards' start). Every other run is a check.
     *
     * @param cappedColocatedOne the colocated 1-worker run, or null
     */
    public static MachineModel calibrate(long parameters, int batchPerWorker, double framing, MeasuredRun loopbackOne,
                                         MeasuredRun loopbackTwo, MeasuredRun cappedDriverOne,
                                         MeasuredRun cappedColocatedOne) {
        require(loopbackOne, 1, Placement.DRIVER, true);
        require(loopbackTwo, 2, Placement.DRIVER, true);
        require(cappedDriverOne, 1, Placement.DRIVER, false);
        if (cappedColocatedOne != null) {
            require(cappedColocatedOne, 1, Placement.COLOCATED, false);
        }
        double computePerSample = loopbackOne.computeSeconds() / batchPerWorker;
        double contention = Math.max(0, loopbackTwo.computeSeconds() / loopbackOne.computeSeconds() - 1);
        double reduce = reduceSeconds(parameters, 1, 1);
        double mLoop = cpuMessages(parameters, loopbackOne.shape());
        double mCapped = cpuMessages(parameters, cappedDriverOne.shape());
        if (mCapped <= mLoop) {
            throw new IllegalArgumentException("Calibration needs a capped-link run with smaller messages than the"
                    + " loopback run's, found " + mCapped + " and " + mLoop + " messages per phase");
        }
        // Both 1-worker runs are taken as CPU-bound (at 10 Gbit/s the MLP's phase needs 1.5 ms of link): the
        // difference of their exchanges is the difference of their messages' cost.
        double perMessage = (cappedDriverOne.exchangeSeconds() - loopbackOne.exchangeSeconds()) / (2.0 * (mCapped
                - mLoop));
        if (!(perMessage > 0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "The capped-link run's exchange (%.3g s) is"
                    + " not longer than the loopback run's (%.3g s): no per-message cost can be fitted",
                    cappedDriverOne.exchangeSeconds(), loopbackOne.exchangeSeconds()));
        }
        double fixed = Math.max(0, loopbackOne.exchangeSeconds() - reduce - 2.0 * mLoop * perMessage);
        return new MachineModel(parameters, batchPerWorker, computePerSample, contention, perMessage, fixed,
                loopbackOne.overheadSecondsPerEpoch(), cappedColocatedOne == null ? loopbackOne.overheadSecondsPerEpoch()
                : cappedColocatedOne.overheadSecondsPerEpoch(), framing);
    }

    /** The predicted step of a run of this shape. */
    public StepPrediction step(ClusterShape s) {
        int n = s.workers();
        double slowdown = slowdown(n);
        double compute = batchPerWorker * computeSecondsPerSample * slowdown;
        double gather = phase(s, parameters * 4.0);
        double scatter = phase(s, parameters * 4.0);
        double waiting = reduceSeconds(parameters, n, s.placement() == Placement.COLOCATED ? n : 1)
                + compute * JITTER * StepSimulator.stragglerFactor(n);
        double comm = slowdown * fixedSeconds + gather + scatter;
        double step = compute + comm + waiting;
        double gbit = s.loopback() ? 0 : s.linkBitsPerSecond() / 1e9;
        double sps = n * batchPerWorker / step;
        return new StepPrediction(s.placement() == Placement.COLOCATED ? StepSimulator.PARAMETER_SERVER_COLOCATED
                : StepSimulator.PARAMETER_SERVER, n, gbit, compute, comm, waiting, step, sps,
                sps / (n / (batchPerWorker * computeSecondsPerSample) * batchPerWorker));
    }

    /** Predicted samples/s over a whole fit of {@code stepsPerEpoch} steps per epoch, epoch starts included. */
    public double samplesPerSecond(ClusterShape s, long stepsPerEpoch) {
        double epoch = stepsPerEpoch * step(s).stepSeconds() + slowdown(s.workers())
                * (s.placement() == Placement.COLOCATED ? colocatedEpochSeconds : driverEpochSeconds);
        return stepsPerEpoch * s.workers() * batchPerWorker / epoch;
    }

    /**
     * One phase (every worker's gradient to the shards, or the shards' parameters to every worker): the longer of
     * the busiest link's time and the CPU time of its messages.
     */
    private double phase(ClusterShape s, double bytesPerWorker) {
        int n = s.workers();
        boolean colocated = s.placement() == Placement.COLOCATED;
        double cpu = messageSeconds * cpuMessages(parameters, s);
        if (s.loopback()) {
            return cpu;
        }
        double linkBytes = (colocated ? (n - 1.0) / n : n) * bytesPerWorker * framing;
        return Math.max(cpu, linkBytes * 8 / s.linkBitsPerSecond());
    }

    /** How much slower CPU-bound work runs with {@code workers} executors than with one. */
    public double slowdown(int workers) {
        return 1 + contentionPerWorker * (workers - 1);
    }

    /**
     * Messages of one phase that the busiest server agent handles one after the other: the driver's server receives
     * (or sends) every worker's m; a colocated shard receives N slices of m/N from the N workers (or sends them), m
     * in all, while the other shards do the same in parallel. The workers' own sends and receives run in their own
     * threads, in parallel with it.
     */
    static double cpuMessages(long parameters, ClusterShape s) {
        int m = messages(parameters, s.chunkFloats());
        return s.placement() == Placement.COLOCATED ? m : (double) s.workers() * m;
    }

    static int messages(long parameters, int chunkFloats) {
        return (int) ((parameters + chunkFloats - 1) / chunkFloats);
    }

    /** The server adds N gradients and applies the optimizer (two passes), split over {@code hosts} hosts. */
    private static double reduceSeconds(long parameters, int workers, int hosts) {
        return (workers + StepSimulator.OPTIMIZER_PASSES) * parameters / hosts / ServerSpec.DEFAULT_FLOATS_PER_SECOND;
    }

    private static void require(MeasuredRun r, int workers, Placement placement, boolean loopback) {
        ClusterShape s = r.shape();
        if (s.workers() != workers || s.placement() != placement || s.loopback() != loopback) {
            throw new IllegalArgumentException("Calibration expected a " + workers + "-worker run with shards in "
                    + placement + (loopback ? " on loopback" : " on a capped link") + ", found " + s);
        }
    }
}
