package io.orrery.examples.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The other direction of {@link RogueFuzz}: a rogue process sends structured fuzz of the server-to-worker messages
 * (JoinAck, ParameterChunk, StepFailed, Challenge; one field mutated each) to every UDP port the workers have bound, found from
 * {@code /proc} as an attacker on the host would ({@link UdpPorts}). A worker takes its broadcast only from the
 * sender that answered its own Join, so each message must be dropped (the workers print their drop counts) and
 * the job must end as the unfaulted one does.
 */
final class RogueFuzzWorkers implements Scenario {

    private final long messages;
    private final boolean keyed;

    RogueFuzzWorkers(long messages, boolean keyed) {
        this.messages = messages;
        this.keyed = keyed;
    }

    @Override
    public String name() {
        return "rogue-fuzz-workers-" + (keyed ? "keyed-" : "") + RogueFuzz.count(messages);
    }

    @Override
    public String description() {
        return "a rogue process (its own media driver, never joined) sends " + messages + " structured fuzz messages"
                + " of the server-to-worker types (JoinAck, ParameterChunk, StepFailed, Challenge) to every UDP port"
                + " the workers bound (found in /proc), one field mutated each" + (keyed ? ", in a keyed job (a"
                + " worker has a parameter port and a replies port)" : "");
    }

    /**
     * Workers pause 50 ms after each step, so that the fuzz lands while they train (a client reads its broadcast
     * only while it waits for parameters): on an idle machine a 200-step job otherwise ended before the rogue's JVM
     * had started, and nothing was left to refuse.
     */
    @Override
    public ChaosJob.Settings adapt(ChaosJob.Settings base) {
        return base.withProperties(List.of("-Dorrery.chaos.stepDelayMs=50")).withKeyed(keyed || base.keyed());
    }

    @Override
    public String inject(ChaosJob job, Random random) throws Exception {
        // Once every worker is training, its broadcast subscription is bound and its sender known.
        for (int k = 0; k < job.settings().workers(); k++) {
            if (!Scenario.awaitProgress(job.worker(k), 1, Duration.ofSeconds(120))) {
                return "fault not injected: worker " + k + " made no progress";
            }
        }
        List<String> endpoints = new ArrayList<>();
        for (int k = 0; k < job.settings().workers(); k++) {
            for (int port : UdpPorts.of(job.worker(k).pid())) {
                endpoints.add("127.0.0.1:" + port);
            }
        }
        if (endpoints.isEmpty()) {
            return "fault not injected: no UDP port found for the workers in /proc";
        }
        return RogueFuzz.runRogue(job, messages, random, List.of(String.join(",", endpoints)));
    }
}
