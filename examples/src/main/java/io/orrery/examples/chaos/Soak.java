package io.orrery.examples.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Many worker processes training for a fixed time in BOUNDED mode while the matrix samples every process's resident
 * memory and open files: whether memory stays flat is read from those samples ({@link MemorySampler}).
 */
final class Soak implements Scenario {

    private final int workers;
    private final Duration duration;

    Soak(int workers, Duration duration) {
        this.workers = workers;
        this.duration = duration;
    }

    @Override
    public String name() {
        return "soak-" + workers + "w-" + duration.toSeconds() + "s";
    }

    @Override
    public String description() {
        return workers + " worker processes in BOUNDED mode for " + duration.toSeconds()
                + " s on loopback; resident memory and open files sampled every second";
    }

    @Override
    public List<String> modes() {
        return List.of("BOUNDED");
    }

    @Override
    public ChaosJob.Settings adapt(ChaosJob.Settings base) {
        return base.withWorkers(workers, Integer.MAX_VALUE / 4);
    }

    @Override
    public Duration extraTime() {
        return duration;
    }

    @Override
    public String inject(ChaosJob job, Random random) throws Exception {
        // the clock starts when every worker trains: JVM start and data loading take tens of seconds on a busy host
        for (int k = 0; k < workers; k++) {
            if (!Scenario.awaitProgress(job.worker(k), 1, Duration.ofMinutes(5))) {
                job.stopWorkers();
                return "worker " + k + " never completed a step; soak not started";
            }
        }
        job.markSteady();
        Thread.sleep(duration.toMillis());
        job.stopWorkers();
        return "stopped by time after " + duration.toSeconds() + " s";
    }
}
