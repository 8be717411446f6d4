package io.orrery.examples.bench;

import io.orrery.spark.ShardPlacement;

import java.util.List;
import java.util.Locale;

/**
 * The report's test-bed table: each row run on {@code deploy/testbed.sh} at a capped rate, its exchange per step as
 * the executors timed it against the time the link needs for the bytes the executors counted. It answers whether the
 * exchange runs at the link's rate (the target: within 25%) and which shard placement the link favours.
 *
 * <p>The link's time for a step follows the placement. Shards in the driver: the driver's one link carries every
 * worker's gradient in and every worker's parameters out, N x (G + P) per step. Colocated: each host's link carries
 * the (N-1)/N of its worker's gradient that other hosts' shards own and, at the same time the other way, what the
 * other workers send its shard; then the same for the parameters: (N-1)/N x (G + P) per step. G and P are a
 * worker's payload bytes per step from its own counters, times the framing of a 1500-byte link
 * ({@link #FRAMING_1500}).
 */
final class TestbedSection {

    /**
     * Bytes on the wire per payload byte at MTU 1500: a chunk (16,344 floats) is one Aeron message that Aeron cuts
     * into frames of at most 1408 bytes, each carrying 1376 bytes after its 32-byte header; the link adds UDP/IP (28)
     * and Ethernet (14) to each. (The chunk's own header, once per 65 KB, is left out.)
     */
    static final double FRAMING_1500 = (1408.0 + 28 + 14) / 1376;
    /** The issue's target: a step's exchange within 25% of the link's time for its bytes. */
    static final double TARGET = 1.25;

    private TestbedSection() {
    }

    static void write(StringBuilder md, List<RunResult> rows) {
        List<RunResult> bed = rows.stream().filter(r -> r.ok() && TestbedMaster.isTestbed(r.config().master())
                && r.bytesSent() != null && r.steps() > 0).toList();
        if (bed.isEmpty()) {
            return;
        }
        md.append("## Test bed: exchange against the link\n\n");
        md.append(String.format(Locale.ROOT, "Hosts are network namespaces (`deploy/testbed.sh up N --rate R"
                + " --driver-host`): every host, the driver's included, has one 1500-byte link capped at R each way."
                + " Exchange = communication + waiting per step from the executors' own timers; link time = the"
                + " busiest link's bytes per step at R, from the executors' byte counters x %.3f framing (driver:"
                + " N x (G + P) through the driver's link; colocated: (N-1)/N x (G + P) through each host's)."
                + " Target: exchange / link <= %.2f (yes / no in the column).%n%n", FRAMING_1500, TARGET));
        md.append("| rate | placement | workers | samples/s | step ms (compute / comm / wait) | payload KB per worker"
                + " and step (G up / P down) | link ms per step | exchange ms per step | exchange / link |"
                + " test acc |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult r : bed) {
            TestbedMaster m = TestbedMaster.parse(r.config().master());
            double link = linkSeconds(r, m);
            double exchange = exchangeSeconds(r);
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %s | %.0f / %.0f | %.1f | %.1f | %s | %.4f |%n",
                    m.rate(), m.placement().name().toLowerCase(Locale.ROOT), r.config().workers(),
                    r.samplesPerSecond(), ReportWriter.stepSplit(r), gradientBytes(r) / 1e3, parameterBytes(r) / 1e3,
                    1e3 * link, 1e3 * exchange,
                    link > 0 ? ReportWriter.fmt("%.2f", exchange / link) + (exchange / link <= TARGET ? " (yes)"
                            : " (no)") : "- (no link crossed)",
                    r.finalAccuracy()));
        }
        md.append('\n');
    }

    /** A worker's gradient payload bytes per step (G), from the executors' counters. */
    static double gradientBytes(RunResult r) {
        return r.bytesSent() / ((double) r.config().workers() * r.steps());
    }

    /** A worker's parameter payload bytes per step (P). */
    static double parameterBytes(RunResult r) {
        return r.bytesReceived() / ((double) r.config().workers() * r.steps());
    }

    /** Seconds per step the busiest link needs for the step's bytes at the bed's rate. */
    static double linkSeconds(RunResult r, TestbedMaster m) {
        int n = r.config().workers();
        double perWorker = (gradientBytes(r) + parameterBytes(r)) * FRAMING_1500;
        double busiest = m.placement() == ShardPlacement.COLOCATED ? (n - 1.0) / n * perWorker : n * perWorker;
        return busiest * 8 / m.bitsPerSecond();
    }

    /** Communication + waiting per step, seconds, as the executors timed them. */
    static double exchangeSeconds(RunResult r) {
        return (r.communicationMs() + r.waitingMs()) / 1e3;
    }
}
