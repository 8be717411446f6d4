package io.orrery.examples.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/** One fault of the matrix: what it does to a running {@link ChaosJob}, and in which modes it applies. */
interface Scenario {

    /** Short name, the {@code scenario} column of results.csv. */
    String name();

    /** One line for report.md: what is done to which process. */
    String description();

    /** Modes it runs in (SYNC, ASYNC, BOUNDED). */
    default List<String> modes() {
        return List.of("SYNC", "ASYNC", "BOUNDED");
    }

    /** Job settings for this scenario, from the matrix's (e.g. more JVM properties, more workers). */
    default ChaosJob.Settings adapt(ChaosJob.Settings base) {
        return base;
    }

    /** Time the scenario itself adds to a job (a soak's duration), on top of the job's own deadline. */
    default Duration extraTime() {
        return Duration.ZERO;
    }

    /** Does the harm while the job runs (on its own thread); returns a note for the report, or "". */
    String inject(ChaosJob job, Random random) throws Exception;

    /**
     * A scenario with processes of its own instead of a {@link ChaosJob} (a Spark cluster) runs a whole trial here
     * and returns its row; null (the default) runs a {@link ChaosJob} and {@link #inject}.
     */
    default ChaosResult runAlone(String mode, int trial, Path dir, Random random, Consumer<String> log)
            throws Exception {
        return null;
    }

    /** A step in the middle half of the job, where a fault hurts most. */
    static long randomStep(ChaosJob job, Random random) {
        int steps = job.settings().steps();
        return steps / 4 + random.nextInt(Math.max(1, steps / 2));
    }

    /** Waits until {@code process} reported {@code step} done; false when it ended or the timeout passed first. */
    static boolean awaitProgress(ChaosProcess process, long step, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (process.progress() < step) {
            if (!process.alive() || System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
