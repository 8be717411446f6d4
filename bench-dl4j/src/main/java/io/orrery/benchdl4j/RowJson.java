package io.orrery.benchdl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds one benchmark row in the JSON schema of Orrery's {@code io.orrery.examples.bench.RunResult}. Written by
 * hand because this JVM's Jackson is Spark 3.1's, and the row is small and flat.
 */
final class RowJson {

    /** Marker Orrery's bench looks for to tell rows from log output. */
    static final String PREFIX = "ORRERY_BENCH_ROW ";

    String system;
    String master;
    int workers;
    String mode;
    String encoding;
    int batchPerWorker;
    int epochs;
    String status = "ok";
    String error;
    String startedAt;
    double wallSeconds;
    long steps;
    double samplesPerSecond;
    double finalAccuracy;
    final List<double[]> curve = new ArrayList<>();

    String toJson() {
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"config\":{")
                .append("\"system\":").append(str(system))
                .append(",\"master\":").append(str(master))
                .append(",\"workers\":").append(workers)
                .append(",\"mode\":").append(str(mode))
                .append(",\"encoding\":").append(str(encoding))
                .append(",\"batchPerWorker\":").append(batchPerWorker)
                .append(",\"shards\":1")
                .append(",\"epochs\":").append(epochs)
                .append("},\"status\":").append(str(status))
                .append(",\"error\":").append(str(error))
                .append(",\"startedAt\":").append(str(startedAt))
                .append(",\"wallSeconds\":").append(num(wallSeconds))
                .append(",\"steps\":").append(steps)
                .append(",\"samplesPerSecond\":").append(num(samplesPerSecond))
                .append(",\"stepMs\":null,\"computeMs\":null,\"communicationMs\":null,\"waitingMs\":null")
                .append(",\"bytesSent\":null,\"bytesReceived\":null,\"parallelEfficiency\":null")
                .append(",\"secondsTo97\":null,\"secondsTo98\":null")
                .append(",\"finalAccuracy\":").append(num(finalAccuracy))
                .append(",\"accuracyCurve\":[");
        for (int i = 0; i < curve.size(); i++) {
            double[] p = curve.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"seconds\":").append(num(p[0])).append(",\"epoch\":")
                    .append(num(p[1])).append(",\"accuracy\":").append(num(p[2])).append('}');
        }
        return sb.append("]}").toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
    }

    private static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
