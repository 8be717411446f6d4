package io.orrery.examples.chaos;

import java.time.Duration;
import java.util.Random;

/** A worker stopped (SIGSTOP) for longer than the server's step timeout, then resumed (SIGCONT). */
final class WorkerStop implements Scenario {

    @Override
    public String name() {
        return "worker-sigstop";
    }

    @Override
    public String description() {
        return "worker 1 stopped (SIGSTOP) at a random step for the step timeout + 3 s, then resumed (SIGCONT)";
    }

    @Override
    public String inject(ChaosJob job, Random random) throws Exception {
        long step = Scenario.randomStep(job, random);
        if (!Scenario.awaitProgress(job.worker(1), step, Duration.ofMinutes(3))) {
            return "worker 1 never reached step " + step + "; not stopped";
        }
        long pause = job.settings().stepTimeout().toMillis() + 3000;
        job.worker(1).signal("STOP");
        try {
            Thread.sleep(pause);
        } finally {
            job.worker(1).signal("CONT");
        }
        return "stopped at step " + step + " for " + pause + " ms";
    }
}
