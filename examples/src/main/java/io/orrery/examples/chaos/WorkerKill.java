package io.orrery.examples.chaos;

import java.time.Duration;
import java.util.Random;

/**
 * A worker JVM killed with SIGKILL at a random step (no shutdown hook, no Leave), then started again under the same
 * worker id, as Spark starts a lost task again.
 */
final class WorkerKill implements Scenario {

    @Override
    public String name() {
        return "worker-sigkill";
    }

    @Override
    public String description() {
        return "worker 1 killed (SIGKILL) at a random step in the middle half, then restarted under the same id";
    }

    @Override
    public String inject(ChaosJob job, Random random) throws Exception {
        long step = Scenario.randomStep(job, random);
        if (!Scenario.awaitProgress(job.worker(1), step, Duration.ofMinutes(3))) {
            return "worker 1 never reached step " + step + "; not killed";
        }
        job.worker(1).killHard();
        long at = job.worker(1).progress();
        job.restartWorker(1);
        return "killed after its step " + at + " (target " + step + "), restarted";
    }
}
