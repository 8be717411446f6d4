package io.orrery.examples.bench;

import java.util.function.IntFunction;
import io.orrery.examples.bench.sim.ModelProfile;
import io.orrery.examples.bench.sim.Network;
import io.orrery.examples.bench.sim.PublishedScaling;
import io.orrery.examples.bench.sim.ServerSpec;
import io.orrery.examples.bench.sim.StepPrediction;
import io.orrery.examples.bench.sim.StepSimulator;
import io.orrery.examples.bench.sim.WireEncoding;

import java.util.List;
import java.util.Locale;

/**
 * The report's "beyond this machine" table: for each reference model, the predicted efficiency of Orrery's three
 * shard placements (all shards in the driver, shards on hosts of their own, one shard on every worker host) and of
 * ring all-reduce, at 8-256 workers, next to published scaling figures of Horovod and BytePS.
 */
final class ScalingStudy {

    static final List<Integer> WORKERS = List.of(8, 32, 128, 256);
    static final List<Double> GBITS = List.of(25.0, 100.0);
    /** Shards on hosts of their own: as many as the study's smallest cluster has workers. */
    static final int SEPARATE_SHARD_HOSTS = 8;

    private ScalingStudy() {
    }

    static void write(StringBuilder md, ModelProfile mlp) {
        md.append("## Scaling beyond this machine: placements and models\n\n");
        md.append("Predicted efficiency (samples/s over N x one worker that only computes), float32 gradients, SYNC,"
                + " one step = compute + exchange + reduction (no overlap). Placements: `driver` = every shard in the"
                + " driver; `hosts` = shards on " + SEPARATE_SHARD_HOSTS + " hosts of their own; `colocated` = one"
                + " shard on every worker host; `ring` = bandwidth-optimal ring all-reduce.\n\n");
        md.append("| model (params, batch, compute/sample, source) | Gbit/s | method |");
        WORKERS.forEach(n -> md.append(" N=").append(n).append(" |"));
        md.append("\n|---|---|---|");
        WORKERS.forEach(n -> md.append("---|"));
        md.append('\n');
        for (ModelProfile m : ModelProfile.reference(mlp)) {
            String label = String.format(Locale.ROOT, "%s (%,d, %d, %.3g ms; %s)", m.name(), m.parameters(),
                    m.batchPerWorker(), m.computeSecondsPerSample() * 1e3, m.source());
            for (double g : GBITS) {
                Network net = Network.ofGbit(g);
                row(md, label, g, "driver", n -> StepSimulator.parameterServer(m.workload(SimulationBuilder.DEFAULT_JITTER),
                        WireEncoding.float32(), net, ServerSpec.inDriver(1), n));
                row(md, label, g, "hosts", n -> StepSimulator.parameterServer(m.workload(SimulationBuilder.DEFAULT_JITTER),
                        WireEncoding.float32(), net, ServerSpec.spread(SEPARATE_SHARD_HOSTS), n));
                row(md, label, g, "colocated", n -> StepSimulator.parameterServer(
                        m.workload(SimulationBuilder.DEFAULT_JITTER), WireEncoding.float32(), net,
                        ServerSpec.colocated(), n));
                row(md, label, g, "ring", n -> StepSimulator.ringAllReduce(m.workload(SimulationBuilder.DEFAULT_JITTER),
                        WireEncoding.float32(), net, n));
            }
        }
        md.append("\nPublished scaling of other systems, for comparison. The model assumes no overlap of compute with the"
                + " exchange and a CPU's reduction rate; Horovod and BytePS overlap both and reduce on GPUs, so for"
                + " compute-heavy models the predictions above are lower bounds:\n\n");
        md.append("| system | model | GPUs | network | efficiency | source |\n|---|---|---|---|---|---|\n");
        for (PublishedScaling p : PublishedScaling.ALL) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %.0f%% | %s |%n", p.system(), p.model(),
                    p.gpus(), p.network(), 100 * p.efficiency(), p.source()));
        }
        md.append('\n');
    }

    private static void row(StringBuilder md, String label, double gbit, String method,
                            IntFunction<StepPrediction> predict) {
        md.append(String.format(Locale.ROOT, "| %s | %.0f | %s |", label, gbit, method));
        for (int n : WORKERS) {
            md.append(String.format(Locale.ROOT, " %.2f |", predict.apply(n).efficiency()));
        }
        md.append('\n');
    }
}
