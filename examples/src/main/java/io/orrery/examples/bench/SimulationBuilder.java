package io.orrery.examples.bench;

import io.orrery.examples.bench.sim.Calibration;
import io.orrery.examples.bench.sim.MeasuredPoint;
import io.orrery.examples.bench.sim.Network;
import io.orrery.examples.bench.sim.ServerSpec;
import io.orrery.examples.bench.sim.StepPrediction;
import io.orrery.examples.bench.sim.StepSimulator;
import io.orrery.examples.bench.sim.WireEncoding;
import io.orrery.examples.bench.sim.Workload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Builds the report's simulation section: fits the step model to the grid's own Orrery rows when there are
 * some (the local 1-worker run fixes compute per sample; every other worker count of that series is a check; the
 * cluster rows are checked by {@link ClusterModelCheck}), and otherwise uses a compute time per sample given on the
 * command line.
 */
public final class SimulationBuilder {

    /**
     * The loopback "network" of local and one-machine runs: Aeron over IPC or UDP on 127.0.0.1 moves a few GB/s
     * with microsecond latency; the fit is insensitive to the exact figure because the MLP's 1.6 MB gradient
     * crosses it in well under a millisecond.
     */
    public static final Network LOOPBACK = new Network(40, 5e-6, 1.0);
    /** Coefficient of variation of step compute time assumed when nothing better is measured. */
    public static final double DEFAULT_JITTER = 0.05;

    private final List<Integer> workerCounts;
    private final List<Double> gbits;
    private final int shards;
    private final WireEncoding encoding;
    private final int batch;
    private final Double fallbackComputeSecondsPerSample;

    /**
     * @param workerCounts                    worker counts to predict (8..256)
     * @param gbits                           link rates to predict (10, 25, 100)
     * @param shards                          parameter-server shards, spread over as many hosts
     * @param encoding                        gradient encoding
     * @param batch                           per-worker batch
     * @param fallbackComputeSecondsPerSample used when the grid has no 1-worker Orrery row, may be null
     */
    public SimulationBuilder(List<Integer> workerCounts, List<Double> gbits, int shards, WireEncoding encoding,
                             int batch, Double fallbackComputeSecondsPerSample) {
        this.workerCounts = List.copyOf(workerCounts);
        this.gbits = List.copyOf(gbits);
        this.shards = shards;
        this.encoding = encoding;
        this.batch = batch;
        this.fallbackComputeSecondsPerSample = fallbackComputeSecondsPerSample;
    }

    /** The section, or empty when neither a 1-worker Orrery row nor a fallback compute time is available. */
    public Optional<SimulationResult> build(List<RunResult> rows) {
        List<SimulationResult.Check> checks = new ArrayList<>();
        Workload workload = null;
        String source = null;
        // local[N] runs: fitted to the 1-worker run (the cores are the limit there) and checked against the others;
        // this fit is the one that scales out.
        List<RunResult> series = syncSeries(rows, BenchConfig.LOCAL_PATH);
        Optional<RunResult> one = series.stream().filter(r -> r.config().workers() == 1).findFirst();
        if (one.isPresent()) {
            RunResult r1 = one.get();
            Calibration cal = fit(r1);
            for (RunResult r : series) {
                if (r.config().workers() > 1 && r.config().encoding().equals(r1.config().encoding())) {
                    MeasuredPoint m = new MeasuredPoint(r.config().workers(), r.samplesPerSecond());
                    double predicted = cal.predictLocal(m.workers()).samplesPerSecond();
                    checks.add(new SimulationResult.Check("local (loopback)", m.workers(), m.samplesPerSecond(),
                            predicted, cal.relativeError(m)));
                }
            }
            workload = cal.workload();
            source = String.format(Locale.ROOT, "the measured 1-worker Orrery run (%s, %.0f samples/s, %s)",
                    r1.config().seriesLabel(), r1.samplesPerSecond(), r1.config().master());
        }
        // Cluster runs (local-cluster and the test bed): the machine model, fitted to the 1-worker runs, checks all.
        Optional<ClusterModelCheck.Result> cluster = ClusterModelCheck.run(rows, batch);
        String clusterModel = null;
        if (cluster.isPresent()) {
            checks.addAll(cluster.get().checks());
            clusterModel = cluster.get().calibration();
            if (workload == null) {
                workload = cluster.get().workload(DEFAULT_JITTER);
                source = "the cluster model's compute per sample (" + clusterModel + ")";
            }
        } else if (rows.stream().anyMatch(r -> r.ok() && BenchConfig.CLUSTER_PATH.equals(r.config().path()))) {
            clusterModel = "not fitted: it needs a SYNC float32 1-worker run on local-cluster (and, for the link's"
                    + " efficiency, a 1-worker run on the test bed with the shards in the driver: bench --paths"
                    + " cluster,testbed --workers 1,2)";
        }
        if (workload == null && fallbackComputeSecondsPerSample != null) {
            workload = new Workload(Workload.MNIST_MLP_PARAMETERS, batch, fallbackComputeSecondsPerSample,
                    DEFAULT_JITTER);
            source = "--compute-us-per-sample (no 1-worker Orrery row in this grid)";
        }
        if (workload == null) {
            return Optional.empty();
        }
        List<StepPrediction> predictions = new ArrayList<>();
        predictions.addAll(StepSimulator.sweep(StepSimulator.PARAMETER_SERVER, workload, encoding,
                ServerSpec.spread(shards), workerCounts, gbits));
        predictions.addAll(StepSimulator.sweep(StepSimulator.PARAMETER_SERVER_COLOCATED, workload, encoding,
                ServerSpec.colocated(), workerCounts, gbits));
        predictions.addAll(StepSimulator.sweep(StepSimulator.RING_ALLREDUCE, workload, encoding,
                ServerSpec.spread(shards), workerCounts, gbits));
        return Optional.of(new SimulationResult(workload.computeSecondsPerSample(), source, encoding.name(), shards,
                checks, predictions, clusterModel));
    }

    private List<RunResult> syncSeries(List<RunResult> rows, String path) {
        return rows.stream()
                .filter(r -> r.ok() && BenchConfig.ORRERY.equals(r.config().system())
                        && "sync".equals(r.config().mode()) && r.config().batchPerWorker() == batch
                        && r.config().shards() == 1 && path.equals(r.config().path()))
                .sorted(Comparator.comparingInt(r -> r.config().workers()))
                .toList();
    }

    /** Compute fitted to the local 1-worker run, loopback IPC assumed. */
    private Calibration fit(RunResult r1) {
        WireEncoding measuredEncoding = WireEncoding.parse(r1.config().encoding());
        int cores = Runtime.getRuntime().availableProcessors();
        return Calibration.fit(new MeasuredPoint(1, r1.samplesPerSecond()), Workload.MNIST_MLP_PARAMETERS, batch,
                DEFAULT_JITTER, measuredEncoding, LOOPBACK, ServerSpec.inDriver(1), cores);
    }
}
