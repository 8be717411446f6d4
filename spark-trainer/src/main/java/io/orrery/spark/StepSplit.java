package io.orrery.spark;

import io.orrery.core.models.History;
import io.orrery.spark.exec.TaskReport;

import java.util.List;
import java.util.Map;

/** Where a distributed fit's steps spend their time and bytes, accumulated over its epochs in the history. */
final class StepSplit {

    private StepSplit() {
    }

    /**
     * Adds one epoch's task reports to the run's figures in {@link History#stats()}: the mean per-step compute,
     * communication (sending gradients) and waiting (from sent until the step's parameters are in: other workers,
     * aggregation, the transfer) in milliseconds, averaged over workers, and bytes sent and received summed over
     * workers and epochs.
     */
    static void record(History history, List<TaskReport> reports) {
        Map<String, Double> s = history.stats();
        double steps = s.getOrDefault("steps_per_worker", 0.0);
        double compute = s.getOrDefault("compute_seconds_per_worker", 0.0);
        double send = s.getOrDefault("send_seconds_per_worker", 0.0);
        double wait = s.getOrDefault("wait_seconds_per_worker", 0.0);
        double sent = s.getOrDefault("bytes_sent", 0.0);
        double received = s.getOrDefault("bytes_received", 0.0);
        int n = reports.size();
        for (TaskReport r : reports) {
            steps += (double) r.steps() / n;
            compute += r.computeSeconds() / n;
            send += r.sendSeconds() / n;
            wait += r.waitSeconds() / n;
            sent += r.bytesSent();
            received += r.bytesReceived();
        }
        history.putStat("steps_per_worker", steps);
        history.putStat("compute_seconds_per_worker", compute);
        history.putStat("send_seconds_per_worker", send);
        history.putStat("wait_seconds_per_worker", wait);
        history.putStat("bytes_sent", sent);
        history.putStat("bytes_received", received);
        if (steps > 0) {
            history.putStat("compute_ms_per_step", 1e3 * compute / steps);
            history.putStat("communication_ms_per_step", 1e3 * send / steps);
            history.putStat("waiting_ms_per_step", 1e3 * wait / steps);
        }
    }
}
