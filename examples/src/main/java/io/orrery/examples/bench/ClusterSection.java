package io.orrery.examples.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report's side-by-side of the two paths: each configuration's samples/s in one JVM ({@code local[N]}) and with
 * executors in their own JVMs ({@code local-cluster}, gradients over UDP), and the cluster's step split as measured
 * on its executors. It answers how much a spark-submit user loses against local mode, and where.
 */
final class ClusterSection {

    private ClusterSection() {
    }

    static void write(StringBuilder md, List<RunResult> rows) {
        // Test-bed rows have a table of their own (TestbedSection): their links, not loopback, shape them.
        List<RunResult> cluster = rows.stream().filter(r -> r.ok()
                && BenchConfig.CLUSTER_PATH.equals(r.config().path())
                && !TestbedMaster.isTestbed(r.config().master())).toList();
        if (cluster.isEmpty()) {
            return;
        }
        md.append("## Cluster against local\n\n");
        md.append("Cluster share = cluster samples/s / local samples/s of the same configuration. Exchange share ="
                + " (communication + waiting) / step, from the executors' own step timers.\n\n");
        md.append("| series | workers | local samples/s | cluster samples/s | cluster share | cluster step ms"
                + " (compute / comm / wait) | exchange share | cluster test acc |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (RunResult c : cluster) {
            Optional<RunResult> local = rows.stream().filter(r -> r.ok() && sameRunOnLocal(r.config(), c.config()))
                    .findFirst();
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | %s | %s | %s | %.4f |%n",
                    c.config().seriesLabel(), c.config().workers(),
                    local.map(l -> ReportWriter.fmt("%.0f", l.samplesPerSecond())).orElse("-"),
                    c.samplesPerSecond(),
                    local.map(l -> ReportWriter.fmt("%.0f%%", 100 * c.samplesPerSecond() / l.samplesPerSecond()))
                            .orElse("-"),
                    ReportWriter.stepSplit(c), exchangeShare(c), c.finalAccuracy()));
        }
        md.append('\n');
    }

    private static boolean sameRunOnLocal(BenchConfig local, BenchConfig cluster) {
        return BenchConfig.LOCAL_PATH.equals(local.path()) && local.system().equals(cluster.system())
                && local.workers() == cluster.workers() && local.mode().equals(cluster.mode())
                && local.encoding().equals(cluster.encoding()) && local.batchPerWorker() == cluster.batchPerWorker()
                && local.shards() == cluster.shards() && local.epochs() == cluster.epochs();
    }

    /** The share of a step spent outside compute, or "-" for systems that do not split their step (DL4J). */
    static String exchangeShare(RunResult r) {
        if (r.computeMs() == null || r.communicationMs() == null || r.waitingMs() == null) {
            return "-";
        }
        double step = r.computeMs() + r.communicationMs() + r.waitingMs();
        return step <= 0 ? "-" : ReportWriter.fmt("%.0f%%", 100 * (r.communicationMs() + r.waitingMs()) / step);
    }
}
