package io.orrery.examples.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A rogue process on the server's ingress sending structured fuzz ({@link FuzzMessages}) while the job trains: every
 * message type, with and without the job's token, one field mutated at a time. The job must still complete, nothing
 * applied twice, accuracy unchanged. Direction covered: to the server only (see report).
 */
final class RogueFuzz implements Scenario {

    private final long messages;

    RogueFuzz(long messages) {
        this.messages = messages;
    }

    @Override
    public String name() {
        return "rogue-fuzz-" + (messages >= 1000 ? messages / 1000 + "k" : Long.toString(messages));
    }

    @Override
    public String description() {
        return "a rogue process (its own media driver, never joined) sends " + messages + " structured fuzz messages"
                + " to the server's control and gradient streams: every message type, half with the job's token,"
                + " one field (or header field, or length) mutated each";
    }

    @Override
    public String inject(ChaosJob job, Random random) throws Exception {
        return runRogue(job, messages, random, List.of());
    }

    /**
     * Runs {@link RogueSender} against the job, {@code messages} messages, with {@code extra} arguments after the
     * common ones (the workers' endpoints for the other direction); returns its exit code and last line.
     */
    static String runRogue(ChaosJob job, long messages, Random random, List<String> extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("127.0.0.1", Integer.toString(job.port()),
                job.tokenFile().toString(), Integer.toString(job.settings().workers()),
                Integer.toString(job.settings().steps()), Long.toString(messages), Long.toString(random.nextLong())));
        args.addAll(extra);
        ChaosProcess rogue = ChaosProcess.start("rogue", job.dir().resolve("rogue.log"), "256m",
                job.settings().properties(), RogueSender.class.getName(), args, Map.of());
        try {
            int code = rogue.waitFor(600_000);
            return "rogue exit " + code + ": " + rogue.lastLine();
        } finally {
            rogue.close();
        }
    }
}
