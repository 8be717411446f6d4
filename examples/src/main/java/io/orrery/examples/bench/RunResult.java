package io.orrery.examples.bench;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.List;
import java.util.Objects;

/**
 * One row of the benchmark: a run's configuration and what was measured. Fields a system cannot measure
 * (DL4J does not split its step time) are {@code null} and appear empty in the CSV.
 *
 * @param config             what ran
 * @param status             {@code ok} or {@code failed}
 * @param error              why the run failed, or {@code null}
 * @param startedAt          ISO-8601 start time
 * @param wallSeconds        training wall time (data loading and JVM start excluded)
 * @param steps              synchronous steps (or DL4J's iterations) performed
 * @param samplesPerSecond   training samples processed per second over the whole run
 * @param stepMs             mean time per step, milliseconds
 * @param computeMs          part of a step spent in forward/backward, milliseconds
 * @param communicationMs    part spent encoding, sending and receiving, milliseconds
 * @param waitingMs          part spent waiting for the other workers or the server, milliseconds
 * @param bytesSent          bytes the workers sent in total (gradients), or null
 * @param bytesReceived      bytes the workers received in total (parameters), or null
 * @param parallelEfficiency samples/s divided by (workers x samples/s of the 1-worker run of the same
 *                           configuration); filled by {@link Efficiency}, null when that run is missing
 * @param secondsTo97        wall seconds until test accuracy first reached 97%, or null if it never did
 * @param secondsTo98        the same for 98%
 * @param finalAccuracy      test accuracy at the end, in [0, 1]
 * @param accuracyCurve      test accuracy over time (at least the final point)
 * @param cpuShare           share of a core one more runnable thread got while the run ran ({@link CpuShareProbe}):
 *                           how crowded the machine was, or null when not measured
 * @param serverStepMs       the parameter server's own time per step to average, apply the optimizer and publish
 *                           (its aggregation timer, from the row's log), or null when not known
 */
public record RunResult(BenchConfig config, String status, String error, String startedAt, double wallSeconds,
                        long steps, double samplesPerSecond, Double stepMs, Double computeMs,
                        Double communicationMs, Double waitingMs, Long bytesSent, Long bytesReceived,
                        Double parallelEfficiency, Double secondsTo97, Double secondsTo98, double finalAccuracy,
                        List<AccuracyPoint> accuracyCurve, Double cpuShare,
                        Double serverStepMs) {

    public static final String OK = "ok";
    public static final String FAILED = "failed";

    @JsonCreator
    public RunResult {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(status, "status");
        accuracyCurve = accuracyCurve == null ? List.of() : List.copyOf(accuracyCurve);
    }

    /** A row without a measured CPU share (the baseline's rows, rows of older results.json files). */
    public RunResult(BenchConfig config, String status, String error, String startedAt, double wallSeconds,
                     long steps, double samplesPerSecond, Double stepMs, Double computeMs, Double communicationMs,
                     Double waitingMs, Long bytesSent, Long bytesReceived, Double parallelEfficiency,
                     Double secondsTo97, Double secondsTo98, double finalAccuracy, List<AccuracyPoint> accuracyCurve) {
        this(config, status, error, startedAt, wallSeconds, steps, samplesPerSecond, stepMs, computeMs,
                communicationMs, waitingMs, bytesSent, bytesReceived, parallelEfficiency, secondsTo97, secondsTo98,
                finalAccuracy, accuracyCurve, null, null);
    }

    /** A row for a run that did not finish, so the grid records it and resume retries it. */
    public static RunResult failed(BenchConfig config, String startedAt, String error) {
        return new RunResult(config, FAILED, error, startedAt, 0, 0, 0, null, null, null, null, null, null,
                null, null, null, 0, List.of());
    }

    /** Whether the run finished and its figures can be charted. */
    public boolean ok() {
        return OK.equals(status);
    }

    /** This row with its parallel efficiency set. */
    public RunResult withParallelEfficiency(Double efficiency) {
        return new RunResult(config, status, error, startedAt, wallSeconds, steps, samplesPerSecond, stepMs,
                computeMs, communicationMs, waitingMs, bytesSent, bytesReceived, efficiency, secondsTo97,
                secondsTo98, finalAccuracy, accuracyCurve, cpuShare, serverStepMs);
    }

    /** This row with the time-to-accuracy fields derived from its accuracy curve. */
    public RunResult withTimesToAccuracy() {
        return new RunResult(config, status, error, startedAt, wallSeconds, steps, samplesPerSecond, stepMs,
                computeMs, communicationMs, waitingMs, bytesSent, bytesReceived, parallelEfficiency,
                secondsTo(accuracyCurve, 0.97), secondsTo(accuracyCurve, 0.98), finalAccuracy, accuracyCurve,
                cpuShare, serverStepMs);
    }

    /** This row with the CPU share measured while it ran and the server's own time per step. */
    public RunResult withMachineFigures(Double share, Double serverMs) {
        return new RunResult(config, status, error, startedAt, wallSeconds, steps, samplesPerSecond, stepMs,
                computeMs, communicationMs, waitingMs, bytesSent, bytesReceived, parallelEfficiency, secondsTo97,
                secondsTo98, finalAccuracy, accuracyCurve, share, serverMs);
    }

    /** First time in the curve at which accuracy reached the target, or null if it never did. */
    static Double secondsTo(List<AccuracyPoint> curve, double target) {
        for (AccuracyPoint p : curve) {
            if (p.accuracy() >= target) {
                return p.seconds();
            }
        }
        return null;
    }
}
