package io.orrery.examples.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A rogue process on the server's ingress sending structured fuzz ({@link FuzzMessages}) while the job trains: every
 * message type, with and without the job's token, one field mutated at a time. The job must still complete, nothing
 * applied twice, accuracy unchanged. Keyed, the job has a secret instead of a token: the rogue answers the
 * Challenges its Joins get with JoinProofs (half proven with the key, half with another), one field mutated each.
 * The note carries the server's drop counts by reason. Direction: to the server ({@link RogueFuzzWorkers} for the
 * other).
 */
final class RogueFuzz implements Scenario {

    private final long messages;
    private final boolean keyed;

    RogueFuzz(long messages, boolean keyed) {
        this.messages = messages;
        this.keyed = keyed;
    }

    @Override
    public String name() {
        return "rogue-fuzz-" + (keyed ? "keyed-" : "") + count(messages);
    }

    /** 100000 as {@code 100k}. */
    static String count(long messages) {
        return messages >= 1000 ? messages / 1000 + "k" : Long.toString(messages);
    }

    @Override
    public String description() {
        return "a rogue process (its own media driver, never joined) sends " + messages + " structured fuzz messages"
                + " to the server's control and gradient streams: every message type, one field (or header field, or"
                + " length) mutated each, " + (keyed ? "in a keyed job (a secret; workers prove the key): the rogue"
                + " reads the Challenges to its own Joins on the replies channel and answers them with JoinProofs,"
                + " half proven with the job's key and half with another"
                : "half with the job's token");
    }

    @Override
    public ChaosJob.Settings adapt(ChaosJob.Settings base) {
        return base.withKeyed(keyed || base.keyed());
    }

    @Override
    public String inject(ChaosJob job, Random random) throws Exception {
        return runRogue(job, messages, random, List.of());
    }

    /**
     * The {@code drops=[...]} of the server's last stats line (the drop counts by reason), or "" when it printed
     * none; read after the job ended.
     */
    static String serverDrops(ChaosJob job) throws IOException {
        Path log = job.dir().resolve("ps-0.log");
        String drops = "";
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                int at = line.indexOf(" drops=[");
                if (line.contains("stats:") && at >= 0) {
                    drops = line.substring(at + 1);
                }
            }
        }
        return drops;
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
                job.settings().properties(), RogueSender.class.getName(), args, job.secretEnvironment());
        try {
            int code = rogue.waitFor(600_000);
            return "rogue exit " + code + ": " + rogue.lastLine();
        } finally {
            rogue.close();
        }
    }
}
