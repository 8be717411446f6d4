package io.orrery.examples.bench.sim;

import java.util.Locale;

/**
 * Fits the step model to this machine and checks it against a measured point.
 *
 * <p>The measured 1-worker throughput fixes the only free number, the compute time per sample: the step time
 * 1 / throughput x batch, minus the modelled communication and reduction of one worker. The model then predicts
 * N workers on the same machine, where the workers also share {@code hostCores} cores (so compute slows by
 * N / cores once N exceeds them), and the prediction is compared with what was measured.
 */
public final class Calibration {

    private final Workload workload;
    private final WireEncoding encoding;
    private final Network localNetwork;
    private final ServerSpec server;
    private final int hostCores;

    private Calibration(Workload workload, WireEncoding encoding, Network localNetwork, ServerSpec server,
                        int hostCores) {
        this.workload = workload;
        this.encoding = encoding;
        this.localNetwork = localNetwork;
        this.server = server;
        this.hostCores = hostCores;
    }

    /**
     * Fits the compute time per sample to a measured 1-worker run.
     *
     * @param oneWorker      the measured 1-worker throughput
     * @param parameters     model parameters
     * @param batchPerWorker the run's batch size
     * @param jitter         coefficient of variation of step compute time
     * @param encoding       gradient encoding of the run
     * @param localNetwork   the network of the measuring machine (loopback: high bandwidth, microsecond latency)
     * @param server         the server of the run
     * @param hostCores      cores the measuring machine gives the workers
     */
    public static Calibration fit(MeasuredPoint oneWorker, long parameters, int batchPerWorker, double jitter,
                                  WireEncoding encoding, Network localNetwork, ServerSpec server, int hostCores) {
        if (oneWorker.workers() != 1) {
            throw new IllegalArgumentException("Calibration needs the 1-worker measurement, found a point with "
                    + oneWorker.workers() + " workers; pass the throughput of the run with --workers 1");
        }
        if (hostCores < 1) {
            throw new IllegalArgumentException("hostCores must be >= 1, found " + hostCores);
        }
        // Any positive compute time gives the same communication and reduction; measure them with a placeholder.
        Workload probe = new Workload(parameters, batchPerWorker, 1e-9, jitter);
        StepPrediction overhead = StepSimulator.parameterServer(probe, encoding, localNetwork, server, 1);
        double measuredStep = batchPerWorker / oneWorker.samplesPerSecond();
        double compute = measuredStep - overhead.communicationSeconds() - overhead.waitingSeconds();
        if (!(compute > 0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Measured 1-worker step (%.3g s) is shorter than the modelled communication alone (%.3g s):"
                            + " the local network figures are too pessimistic; raise its bandwidth or lower latency",
                    measuredStep, overhead.communicationSeconds() + overhead.waitingSeconds()));
        }
        Workload fitted = probe.withComputeSecondsPerSample(compute / batchPerWorker);
        return new Calibration(fitted, encoding, localNetwork, server, hostCores);
    }

    /**
     * Fits both free numbers to a measured 1-worker run whose step split is known (the trainer's rows carry it): the
     * compute time per sample from the executors' compute timer, and the link's rate from the rest of the step, what
     * one worker's exchange took. This is the fit for runs whose network is not loopback IPC (a local cluster over
     * UDP, the namespace test bed at a capped rate), where the link, not the cores, shapes the exchange.
     *
     * @param computeSecondsPerStep the run's measured compute per step
     * @param latencySeconds        one-way latency of the link (loopback or a bridge: a few microseconds)
     */
    public static Calibration fitWithLink(MeasuredPoint oneWorker, double computeSecondsPerStep, long parameters,
                                          int batchPerWorker, double jitter, WireEncoding encoding,
                                          double latencySeconds, ServerSpec server, int hostCores) {
        if (oneWorker.workers() != 1 || !(computeSecondsPerStep > 0)) {
            throw new IllegalArgumentException("Calibration needs the 1-worker measurement with its compute time,"
                    + " found workers=" + oneWorker.workers() + " compute=" + computeSecondsPerStep + " s");
        }
        double measuredStep = batchPerWorker / oneWorker.samplesPerSecond();
        // The model's own byte count and reduction for one worker (headers included), read off a probe at 1 Gbit/s.
        Network probeLink = new Network(1, latencySeconds, 1.0);
        StepPrediction probe = StepSimulator.parameterServer(new Workload(parameters, batchPerWorker, 1e-9, jitter),
                encoding, probeLink, server, 1);
        double bytes = (probe.communicationSeconds() - 2 * latencySeconds) * probeLink.bytesPerSecond();
        double reduce = probe.waitingSeconds();
        double wire = measuredStep - computeSecondsPerStep - reduce - 2 * latencySeconds;
        if (!(wire > 0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "The measured 1-worker step"
                    + " (%.3g s) leaves no time for the exchange after compute (%.3g s): the step split does not fit"
                    + " this model", measuredStep, computeSecondsPerStep));
        }
        Network link = new Network(bytes / wire * 8 / 1e9, latencySeconds, 1.0);
        Workload fitted = new Workload(parameters, batchPerWorker, computeSecondsPerStep / batchPerWorker, jitter);
        return new Calibration(fitted, encoding, link, server, hostCores);
    }

    /** The network the calibration uses for this machine (fitted, or the given loopback). */
    public Network network() {
        return localNetwork;
    }

    /** The fitted workload: compute time per sample of one uncontended worker. */
    public Workload workload() {
        return workload;
    }

    /** Prediction for {@code workers} workers on the measuring machine (cores shared, local network). */
    public StepPrediction predictLocal(int workers) {
        double contention = Math.max(1.0, (double) workers / hostCores);
        Workload w = workload.withComputeSecondsPerSample(workload.computeSecondsPerSample() * contention);
        ServerSpec s = new ServerSpec(server.shards(), Math.min(server.hosts(), workers), server.floatsPerSecond());
        return StepSimulator.parameterServer(w, encoding, localNetwork, s, workers);
    }

    /** (predicted - measured) / measured throughput for a measured point: the model's error there. */
    public double relativeError(MeasuredPoint measured) {
        double predicted = predictLocal(measured.workers()).samplesPerSecond();
        return (predicted - measured.samplesPerSecond()) / measured.samplesPerSecond();
    }
}
