package io.orrery.examples.bench.sim;

import java.util.List;
import java.util.Locale;

/**
 * The step model of clusters on the measuring machine (a local cluster on loopback, the namespace test bed at a
 * capped rate). Where {@link StepSimulator} predicts data-centre clusters whose hosts have cores of their own, here
 * every "host" shares the machine's few cores, so what limits these runs is modelled explicitly:
 *
 * <ul>
 *   <li><b>Shared cores.</b> k runnable threads on C cores each run at min(1, C / k) of a core: work stretches by
 *       {@code dilation(k) = max(1, k / C)}, so contention starts only once threads exceed cores. While the workers
 *       compute, N task threads run; during the exchange, with the shards in the driver, one thread at a time
 *       carries the step (the server's agent, then a media driver) while the workers wait without spinning; with
 *       colocated shards N shard agents work at once. Other jobs on the machine add their runnable threads B,
 *       taken from the share of a core the harness's probe got beside the run ({@link ClusterShape#cpuShare}).</li>
 *   <li><b>The server's step.</b> Averaging, the optimizer and publishing the parameters, once per step whatever
 *       N ({@code serverSeconds}), and per worker the moving of its gradient in and its parameter copy out
 *       ({@code perWorkerSeconds}), which the driver's one server does worker after worker.</li>
 *   <li><b>Frames.</b> On the test bed every 1500-byte frame costs CPU (veth, bridge, tbf, both ends): at 10 Gbit/s
 *       that, not the link, sets the exchange's pace.</li>
 *   <li><b>Rate caps.</b> The busiest link's bytes per step at the capped rate (the driver's link carries N
 *       gradients in and N parameter copies out; a colocated host (N-1)/N of each), with the framing of 1500-byte
 *       frames. One stream moves at the fraction {@code linkEfficiency} of the rate that its flow-control window
 *       achieves; the N streams through the driver's link add up until they fill it. Moving the bytes (the
 *       per-worker work, the frames) goes on while the link carries them, the slower of the two sets the pace; the
 *       server's own step overlaps neither (gradients arrive before the optimizer runs, parameters leave after).</li>
 * </ul>
 *
 * A step is compute, the exchange and the straggler wait (the barrier waits for the slowest worker); an epoch adds
 * a fixed start (the barrier stage, the data split), stretched like any other work.
 *
 * @param parameters       model parameters (floats in a gradient)
 * @param batchPerWorker   samples per worker and step
 * @param cores            cores of the machine
 * @param computeSeconds   one worker's compute per step with the machine to itself
 * @param serverSeconds    the server's own work per step (average, optimizer, publish), machine to itself
 * @param perWorkerSeconds the rest of the exchange's work per worker (gradient in, parameters out), machine to itself
 * @param linkEfficiency   fraction of a capped link's rate one stream (one window) achieves, in (0, 1]
 * @param frameSeconds     CPU time of one 1500-byte frame through the test bed's namespaces (veth, bridge, tbf,
 *                         both ends), machine to itself
 * @param epochSeconds     wall time per epoch outside the steps, machine to itself
 * @param framing          wire bytes per payload byte on a 1500-byte link
 */
public record MachineModel(long parameters, int batchPerWorker, int cores, double computeSeconds,
                           double serverSeconds, double perWorkerSeconds, double linkEfficiency,
                           double frameSeconds, double epochSeconds, double framing) {

    /** Payload of one Aeron frame at MTU 1500: 1408 bytes less its 32-byte header. */
    static final double FRAME_PAYLOAD_BYTES = 1376;

    /** Coefficient of variation of a worker's compute: the barrier waits for the slowest. */
    static final double JITTER = 0.05;

    /** What the model of this machine's clusters assumes; printed in the benchmark report. */
    public static final List<String> ASSUMPTIONS = List.of(
            "Calibrated from the 1-worker runs only (loopback, and the test bed's slowest rate with the shards in the"
                    + " driver), the core count, and for every run the share of a core a probe thread got beside"
                    + " it; nothing is fitted to a run with more workers.",
            "Fair sharing: k runnable threads on C cores each get min(1, C / k) of a core; other jobs' runnable"
                    + " threads are C / share - 1 less the run's own (its N task threads while computing, one"
                    + " thread carrying the exchange with shards in the driver, N with colocated shards).",
            "The driver's server handles the workers one after another (their gradients in, their parameter copies"
                    + " out) and does its own step (average, optimizer, publish, from its timer in the 1-worker run)"
                    + " once; workers wait without spinning.",
            "On a capped link one stream (one worker's"
                    + " gradient, or the parameters to it) moves at the fraction of the rate the 1-worker test-bed"
                    + " run achieved, at every rate (windows are sized to rate x round trip), and the busiest link's N"
                    + " streams add up until they fill it; 1500-byte frames, 1450 wire bytes per 1376 payload bytes."
                    + " Each frame costs CPU in the namespaces' network path (from the fastest rate's 1-worker run);"
                    + " moving the bytes (per-worker work and frames) goes on while the link carries them, the slower"
                    + " sets the pace; the server's own step does not overlap either.",
            "The barrier waits for the slowest worker: compute x 5% x sqrt(2 ln N); the epoch's start is fixed work"
                    + " stretched like the rest.");

    public MachineModel {
        if (parameters < 1 || batchPerWorker < 1 || cores < 1 || !(computeSeconds > 0) || serverSeconds < 0
                || perWorkerSeconds < 0 || !(linkEfficiency > 0 && linkEfficiency <= 1) || frameSeconds < 0
                || epochSeconds < 0
                || !(framing >= 1)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Invalid machine model: expected"
                    + " parameters, batch, cores >= 1, compute > 0, server, per-worker, frame and epoch seconds >= 0,"
                    + " link efficiency in (0, 1], framing >= 1, found %d, %d, %d, %g, %g, %g, %g, %g, %g, %g",
                    parameters, batchPerWorker, cores, computeSeconds, serverSeconds, perWorkerSeconds,
                    linkEfficiency, frameSeconds, epochSeconds, framing));
        }
    }

    /**
     * Fits the model to the 1-worker runs alone, so that every run with more workers is a prediction: the loopback
     * cluster's (compute, the server's own time from its timer, the rest of the exchange, the epoch start, each
     * divided by the crowding the probe saw) and, when there is one, the 1-worker run on a capped link with the
     * shards in the driver (what its exchange took beyond the loopback one's work, against what its bytes need at
     * the rate, is the link's efficiency; without it the link is taken at its full rate).
     *
     * @param cappedDriverOne the 1-worker test-bed run with shards in the driver, or null
     */
    public static MachineModel calibrate(long parameters, int batchPerWorker, int cores, double framing,
                                         MeasuredRun loopbackOne, MeasuredRun cappedDriverOne) {
        return calibrate(parameters, batchPerWorker, cores, framing, loopbackOne, cappedDriverOne, null);
    }

    /**
     * As {@link #calibrate(long, int, int, double, MeasuredRun, MeasuredRun)}, and from the 1-worker run at the
     * fastest capped rate (when it is another run than the slowest's) the CPU cost of a 1500-byte frame: there the
     * link needs a few milliseconds and what the exchange took beyond the loopback run's work is the frames'.
     *
     * @param fastDriverOne the 1-worker test-bed run at the fastest rate, shards in the driver, or null
     */
    public static MachineModel calibrate(long parameters, int batchPerWorker, int cores, double framing,
                                         MeasuredRun loopbackOne, MeasuredRun cappedDriverOne,
                                         MeasuredRun fastDriverOne) {
        require(loopbackOne, Placement.DRIVER, true);
        // One thread of ours runs at a time in a 1-worker run: its compute, then the exchange's chain.
        double d = dilation(1 + background(loopbackOne.shape(), 1, cores), cores);
        double server = loopbackOne.serverSeconds() / d;
        double perWorker = Math.max(0, loopbackOne.exchangeSeconds() / d - server);
        double frame = 0;
        if (fastDriverOne != null) {
            require(fastDriverOne, Placement.DRIVER, false);
            double df = dilation(1 + background(fastDriverOne.shape(), 1, cores), cores);
            frame = Math.max(0, fastDriverOne.exchangeSeconds() / df - server - perWorker)
                    / frames(parameters, fastDriverOne.shape());
        }
        double efficiency = 1;
        if (cappedDriverOne != null) {
            require(cappedDriverOne, Placement.DRIVER, false);
            double db = dilation(1 + background(cappedDriverOne.shape(), 1, cores), cores);
            double onLink = cappedDriverOne.exchangeSeconds() - db * server;
            double need = linkSeconds(parameters, framing, cappedDriverOne.shape());
            efficiency = onLink > need ? need / onLink : 1;
        }
        return new MachineModel(parameters, batchPerWorker, cores, loopbackOne.computeSeconds() / d, server,
                perWorker, efficiency, frame, loopbackOne.overheadSecondsPerEpoch() / d, framing);
    }

    /** The predicted step of a run of this shape. */
    public StepPrediction step(ClusterShape s) {
        StepPrediction idle = step(s, 0);
        return step(s, background(s, ownThreads(s, idle), cores));
    }

    private StepPrediction step(ClusterShape s, double background) {
        int n = s.workers();
        boolean colocated = s.placement() == Placement.COLOCATED;
        double compute = computeSeconds * dilation(n + background, cores);
        double chain = colocated ? serverSeconds / n + perWorkerSeconds : serverSeconds + n * perWorkerSeconds;
        // Each stream's window gets linkEfficiency of the rate across; the busiest link's streams add up until full.
        double streams = colocated ? Math.max(1, n - 1) : n;
        // The server's own step sits between the gradients' arrival and the parameters' departure; the moving of
        // bytes (the per-worker work and the frames' CPU) goes on while the link carries them: the slower sets the pace.
        double chainDilation = dilation((colocated ? n : 1) + background, cores);
        double own = colocated ? serverSeconds / n : serverSeconds;
        double moving = (chain - own + frameSeconds * frames(parameters, s)) * chainDilation;
        double exchange = own * chainDilation + Math.max(linkSeconds(parameters, framing, s)
                / Math.min(1, streams * linkEfficiency), moving);
        double waiting = compute * JITTER * StepSimulator.stragglerFactor(n);
        double step = compute + exchange + waiting;
        double sps = n * batchPerWorker / step;
        double gbit = s.loopback() ? 0 : s.linkBitsPerSecond() / 1e9;
        return new StepPrediction(colocated ? StepSimulator.PARAMETER_SERVER_COLOCATED
                : StepSimulator.PARAMETER_SERVER, n, gbit, compute, exchange, waiting, step, sps,
                sps / (n * batchPerWorker / computeSeconds));
    }

    /** Predicted samples/s over a whole fit of {@code stepsPerEpoch} steps per epoch, epoch starts included. */
    public double samplesPerSecond(ClusterShape s, long stepsPerEpoch) {
        double b = background(s, ownThreads(s, step(s, 0)), cores);
        double epoch = stepsPerEpoch * step(s, b).stepSeconds() + epochSeconds * dilation(1 + b, cores);
        return stepsPerEpoch * s.workers() * batchPerWorker / epoch;
    }

    /** How much longer work takes with {@code threads} runnable threads on {@code cores} cores: max(1, k / C). */
    public static double dilation(double threads, int cores) {
        return Math.max(1, threads / cores);
    }

    /**
     * Runnable threads of other jobs while a run of this shape ran: a newcomer thread that got share a of a core
     * competed with C / a - 1 others, {@code own} of them the run's own.
     */
    static double background(ClusterShape s, double own, int cores) {
        return Math.max(0, cores / s.cpuShare() - 1 - own);
    }

    /** The run's own runnable threads averaged over its step: N while computing, the exchange's chain after. */
    private static double ownThreads(ClusterShape s, StepPrediction idle) {
        double chainThreads = s.placement() == Placement.COLOCATED ? s.workers() : 1;
        double busy = idle.computeSeconds() + idle.communicationSeconds();
        return (s.workers() * idle.computeSeconds() + chainThreads * idle.communicationSeconds()) / busy;
    }

    /**
     * Seconds the busiest link needs for a step's bytes at the full rate: the driver's carries every worker's
     * gradient and parameters, a colocated host (N-1)/N of one worker's.
     */
    static double linkSeconds(long parameters, double framing, ClusterShape s) {
        if (s.loopback()) {
            return 0;
        }
        int n = s.workers();
        double perWorker = 2 * parameters * 4.0 * framing;
        double busiest = s.placement() == Placement.COLOCATED ? (n - 1.0) / n * perWorker : n * perWorker;
        return busiest * 8 / s.linkBitsPerSecond();
    }

    /**
     * 1500-byte frames through the busiest host per step: each worker's gradient and parameters in frames of 1376
     * payload bytes; the driver's host passes every worker's, a colocated host (N-1)/N of one worker's.
     */
    static double frames(long parameters, ClusterShape s) {
        if (s.loopback()) {
            return 0;
        }
        int n = s.workers();
        double perWorker = Math.ceil(2 * parameters * 4.0 / FRAME_PAYLOAD_BYTES);
        return s.placement() == Placement.COLOCATED ? (n - 1.0) / n * perWorker : n * perWorker;
    }

    private static void require(MeasuredRun r, Placement placement, boolean loopback) {
        ClusterShape s = r.shape();
        if (s.workers() != 1 || s.placement() != placement || s.loopback() != loopback) {
            throw new IllegalArgumentException("Calibration expected a 1-worker run with shards in " + placement
                    + (loopback ? " on loopback" : " on a capped link") + ", found " + s);
        }
    }
}
