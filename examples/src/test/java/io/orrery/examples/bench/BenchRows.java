package io.orrery.examples.bench;

import java.util.List;

/** Rows for tests, shaped like real runs of the reference model. */
final class BenchRows {

    private BenchRows() {
    }

    static RunResult orrery(int workers, double samplesPerSecond) {
        BenchConfig c = new BenchConfig(BenchConfig.ORRERY, "local[" + workers + "]", workers, "sync", "float32",
                128, 1, 2);
        List<AccuracyPoint> curve = List.of(new AccuracyPoint(4.0, 1, 0.965), new AccuracyPoint(8.0, 2, 0.975));
        return new RunResult(c, RunResult.OK, null, "2026-11-26T22:00:00Z", 8.0, 938, samplesPerSecond, 9.0, 6.0,
                2.0, 1.0, 1_000_000L * workers, 1_600_000L * workers, null, null, null, 0.975, curve);
    }

    static RunResult coreFit(double samplesPerSecond) {
        BenchConfig c = new BenchConfig(BenchConfig.CORE_FIT, "none", 1, BenchCommand.CORE_FIT_MODE,
                BenchCommand.CORE_FIT_ENCODING, 128, 1, 2);
        return new RunResult(c, RunResult.OK, null, "2026-11-26T22:00:00Z", 6.0, 938, samplesPerSecond, 6.4, null,
                null, null, null, null, null, null, null, 0.976, List.of(new AccuracyPoint(6.0, 2, 0.976)));
    }

    static RunResult dl4j(int workers, double samplesPerSecond) {
        BenchConfig c = new BenchConfig(BenchConfig.DL4J_PARAMETER_AVERAGING, "local[" + workers + "]", workers,
                "parameter-averaging", "float32", 128, 1, 2);
        return new RunResult(c, RunResult.OK, null, "2026-11-26T22:00:00Z", 20.0, 938, samplesPerSecond, null,
                null, null, null, null, null, null, null, null, 0.972,
                List.of(new AccuracyPoint(20.0, 2, 0.972)));
    }

    /**
     * An Orrery row of the book's convnet, shaped like a real one: more compute per step than the MLP's row and a
     * quarter of its bytes (104,202 float32 parameters a step against 407,050).
     */
    static RunResult convnet(int workers, double samplesPerSecond) {
        BenchConfig c = new BenchConfig(BenchConfig.ORRERY, "local[" + workers + "]", workers, "sync", "float32",
                128, 1, 2, BenchConfig.CONVNET);
        List<AccuracyPoint> curve = List.of(new AccuracyPoint(40.0, 1, 0.981), new AccuracyPoint(80.0, 2, 0.987));
        return new RunResult(c, RunResult.OK, null, "2026-12-02T18:00:00Z", 80.0, 938, samplesPerSecond, 90.0,
                80.0, 4.0, 6.0, 416_808L * workers * 938, 416_808L * workers * 938, null, null, null, 0.987, curve);
    }

    /** The same row as measured with executors in their own JVMs. */
    static RunResult onCluster(RunResult r) {
        BenchConfig c = r.config();
        BenchConfig onCluster = new BenchConfig(c.system(), "local-cluster[" + c.workers() + ",1,2048]", c.workers(),
                c.mode(), c.encoding(), c.batchPerWorker(), c.shards(), c.epochs(), c.model());
        return new RunResult(onCluster, r.status(), r.error(), r.startedAt(), r.wallSeconds(), r.steps(),
                r.samplesPerSecond(), r.stepMs(), r.computeMs(), r.communicationMs(), r.waitingMs(), r.bytesSent(),
                r.bytesReceived(), r.parallelEfficiency(), r.secondsTo97(), r.secondsTo98(), r.finalAccuracy(),
                r.accuracyCurve());
    }
}
