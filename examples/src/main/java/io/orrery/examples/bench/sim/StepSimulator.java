package io.orrery.examples.bench.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Predicts the time of one synchronous data-parallel step for Orrery's sharded parameter server and for ring
 * all-reduce. The model is deliberately small: compute, then gradient exchange, then the reduction, each phase
 * bounded by the busiest NIC or core. {@link #ASSUMPTIONS} lists what it leaves out.
 */
public final class StepSimulator {

    /** The parameter server with its shards on hosts of their own (or in the driver, as its spec says). */
    public static final String PARAMETER_SERVER = "parameter-server";
    /** The parameter server with one shard on each worker host. */
    public static final String PARAMETER_SERVER_COLOCATED = "parameter-server-colocated";
    public static final String RING_ALLREDUCE = "ring-allreduce";

    /** Largest Aeron message at the default 16 MiB term (term / 8): gradients are chunked to this size. */
    static final long MAX_MESSAGE_BYTES = 2L * 1024 * 1024;
    /** Per-message header of Orrery's protocol (job, worker, step, shard, offset, length, encoding) plus Aeron's. */
    static final long HEADER_BYTES = 96;
    /**
     * Memory passes over the parameters of one optimizer step, in units of "floats processed": RMSprop reads and
     * writes the parameter and its one state slot; its arithmetic hides behind the memory traffic.
     */
    static final double OPTIMIZER_PASSES = 2;

    /** What the model assumes; printed in the benchmark report. */
    public static final List<String> ASSUMPTIONS = List.of(
            "One step = compute, then gradient exchange, then reduction and optimizer; no overlap of compute with"
                    + " communication (Orrery sends the flat gradient after the backward pass).",
            "Compute time per sample is measured on this machine (CPU) and scaled by a single factor; a GPU changes"
                    + " only this number.",
            "Every host has one full-duplex NIC; a transfer achieves 90% of line rate; one-way latency 25 us per"
                    + " phase (plus per hop for the ring).",
            "Parameter server: each worker sends its encoded gradient, cut into shard slices, and receives dense"
                    + " float32 parameters back by unicast; the busiest NIC (the server host's, receiving N gradients"
                    + " and sending N parameter copies over its shards' share) bounds each phase.",
            "Shards on H hosts split that load H ways; shards in the driver (H = 1) do not add bandwidth; shards"
                    + " colocated on the N worker hosts put (N-1)/N of the gradient and of the parameters through"
                    + " every host's NIC each way, and the server's work shares the host with the worker's compute"
                    + " without slowing it.",
            "Server aggregation (one add per received float) and the optimizer step (two passes over the"
                    + " parameters) run at 1e9 floats/s per server host, memory bound, one core; the ring's"
                    + " reduction and each worker's own optimizer step at the same rate.",
            "Ring all-reduce: 2 (N-1) steps each moving 1/N of the gradient (bandwidth optimal), with one latency"
                    + " per step; sparse encodings cannot be summed in the ring, so the ring sends dense float32 then.",
            "Stragglers: the barrier waits for the slowest of N workers, modelled as compute x jitter x"
                    + " sqrt(2 ln N) (Gaussian maximum), with the jitter measured or assumed (5%).",
            "No packet loss, retransmission, incast collapse or switch oversubscription; no contention from other jobs.",
            "Efficiency is against one worker that only computes (no communication at all).");

    private StepSimulator() {
    }

    /** One step of Orrery's synchronous parameter server with {@code workers} workers. */
    public static StepPrediction parameterServer(Workload w, WireEncoding enc, Network net, ServerSpec server,
                                                 int workers) {
        requireWorkers(workers);
        if (server.placement() == Placement.COLOCATED) {
            return colocated(w, enc, net, server, workers);
        }
        long p = w.parameters();
        double bps = net.bytesPerSecond();
        int hosts = server.hosts();
        // Gradient out: each shard's slice is chunked to the largest message; every chunk carries a header.
        double gradBytes = wireBytes(p * enc.bytesPerParameter(), server.shards());
        double paramBytes = wireBytes(p * 4.0, server.shards());
        double gather = net.latencySeconds() + Math.max(workers * gradBytes / hosts, gradBytes) / bps;
        double scatter = net.latencySeconds() + Math.max(workers * paramBytes / hosts, paramBytes) / bps;
        // The server adds N gradients (decoding sparse ones costs about as much as adding them densely) and
        // applies the optimizer once, each host on its share of the parameters.
        double reduce = (workers + OPTIMIZER_PASSES) * p / hosts / server.floatsPerSecond();
        return finish(PARAMETER_SERVER, w, net, workers, gather + scatter, reduce);
    }

    /**
     * Shards on the N worker hosts: each host's NIC sends the (N-1)/N of its gradient that other hosts own and the
     * (N-1)/N of its parameter slice to the other workers, and receives as much (full duplex); each host reduces and
     * updates its own 1/N of the parameters.
     */
    private static StepPrediction colocated(Workload w, WireEncoding enc, Network net, ServerSpec server,
                                            int workers) {
        long p = w.parameters();
        double bps = net.bytesPerSecond();
        double remote = (workers - 1.0) / workers;
        double gradBytes = wireBytes(p * enc.bytesPerParameter(), workers);
        double paramBytes = wireBytes(p * 4.0, workers);
        double gather = net.latencySeconds() + remote * gradBytes / bps;
        double scatter = net.latencySeconds() + remote * paramBytes / bps;
        double reduce = (workers + OPTIMIZER_PASSES) * p / workers / server.floatsPerSecond();
        return finish(PARAMETER_SERVER_COLOCATED, w, net, workers, gather + scatter, reduce);
    }

    /** One step of bandwidth-optimal ring all-reduce with {@code workers} workers (each applies the optimizer). */
    public static StepPrediction ringAllReduce(Workload w, WireEncoding enc, Network net, int workers) {
        requireWorkers(workers);
        long p = w.parameters();
        double bytesPerParam = enc.reducible() ? enc.bytesPerParameter() : 4.0;
        double comm = 0;
        double reduce = OPTIMIZER_PASSES * p / ServerSpec.DEFAULT_FLOATS_PER_SECOND;
        if (workers > 1) {
            double chunk = p * bytesPerParam / workers;
            comm = 2.0 * (workers - 1) * (chunk / net.bytesPerSecond() + net.latencySeconds());
            reduce += (workers - 1.0) / workers * p / ServerSpec.DEFAULT_FLOATS_PER_SECOND;
        }
        return finish(RING_ALLREDUCE, w, net, workers, comm, reduce);
    }

    /**
     * Predictions for every worker count and network: the sweep the report charts.
     *
     * @param method {@link #PARAMETER_SERVER} or {@link #RING_ALLREDUCE}
     * @param server used by the parameter server only; its hosts are capped at the worker count
     */
    public static List<StepPrediction> sweep(String method, Workload w, WireEncoding enc, ServerSpec server,
                                             List<Integer> workerCounts, List<Double> gbits) {
        List<StepPrediction> out = new ArrayList<>();
        for (double g : gbits) {
            Network net = Network.ofGbit(g);
            for (int n : workerCounts) {
                out.add(switch (method) {
                    case PARAMETER_SERVER -> parameterServer(w, enc, net, server, n);
                    case PARAMETER_SERVER_COLOCATED -> parameterServer(w, enc, net, ServerSpec.colocated(), n);
                    case RING_ALLREDUCE -> ringAllReduce(w, enc, net, n);
                    default -> throw new IllegalArgumentException("Invalid simulation method: expected "
                            + PARAMETER_SERVER + ", " + PARAMETER_SERVER_COLOCATED + " or " + RING_ALLREDUCE
                            + ", received \"" + method + "\"");
                });
            }
        }
        return out;
    }

    /** Expected extra wait for the slowest of n workers, as a fraction of mean compute time per unit jitter. */
    static double stragglerFactor(int n) {
        return n < 2 ? 0 : Math.sqrt(2 * Math.log(n));
    }

    private static StepPrediction finish(String method, Workload w, Network net, int workers, double comm,
                                         double reduce) {
        double compute = w.computeSeconds();
        double waiting = reduce + compute * w.computeJitter() * stragglerFactor(workers);
        double step = compute + comm + waiting;
        double sps = workers * w.batchPerWorker() / step;
        double efficiency = sps / (workers * w.batchPerWorker() / compute);
        return new StepPrediction(method, workers, net.gbitPerSecond(), compute, comm, waiting, step, sps,
                efficiency);
    }

    private static double wireBytes(double payload, int shards) {
        double perShard = payload / shards;
        long chunks = Math.max(1, (long) Math.ceil(perShard / MAX_MESSAGE_BYTES));
        return payload + (double) shards * chunks * HEADER_BYTES;
    }

    private static void requireWorkers(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("Invalid worker count: expected >= 1, found " + workers);
        }
    }
}
