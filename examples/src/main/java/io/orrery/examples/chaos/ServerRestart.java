package io.orrery.examples.chaos;

import java.time.Duration;
import java.util.Random;

/**
 * The external `ps` killed (SIGKILL) at a random step and started again with {@code --resume}: it continues from its
 * newest checkpoint and the workers join it again (or fail, naming the server, when it does not come back).
 */
final class ServerRestart implements Scenario {

    @Override
    public String name() {
        return "ps-sigkill-resume";
    }

    @Override
    public String description() {
        return "the `ps` process killed (SIGKILL) at a random step, restarted after 2 s with --resume from its checkpoint";
    }

    @Override
    public String inject(ChaosJob job, Random random) throws Exception {
        long step = Scenario.randomStep(job, random);
        if (!Scenario.awaitProgress(job.worker(0), step, Duration.ofMinutes(3))) {
            return "worker 0 never reached step " + step + "; server not killed";
        }
        job.ps().killHard();
        Thread.sleep(2000);
        job.restartServer();
        return "ps killed near step " + step + ", restarted with --resume";
    }
}
