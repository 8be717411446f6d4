package io.orrery.examples.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the server's contribution ledger ({@code -Dorrery.ps.ledger}, lines {@code pid,shard,step,worker}) proves.
 * A contribution is applied twice when one server process applied the same worker's gradient of the same step on
 * the same shard more than once. A restarted server resumes from its checkpoint and may apply again a step its
 * killed predecessor applied after that checkpoint: those parameters were lost with it, so that is a replay, counted
 * apart.
 */
record Ledger(long contributions, long appliedTwice, long replayedAfterRestart, long distinctSteps, long lives) {

    static Ledger read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new Ledger(0, 0, 0, 0, 0);
        }
        List<String> lines = Files.readAllLines(file);
        Set<String> withPid = new HashSet<>();
        Set<String> withoutPid = new HashSet<>();
        Set<String> steps = new HashSet<>();
        Set<String> pids = new HashSet<>();
        long twice = 0;
        long replayed = 0;
        long count = 0;
        for (String line : lines) {
            String[] f = line.split(",");
            if (f.length != 4) {
                continue; // a line cut by SIGKILL
            }
            count++;
            pids.add(f[0]);
            String key = f[1] + "," + f[2] + "," + f[3];
            if (!withPid.add(f[0] + "," + key)) {
                twice++;
            } else if (!withoutPid.add(key)) {
                replayed++;
            }
            steps.add(f[1] + "," + f[2]);
        }
        return new Ledger(count, twice, replayed, steps.size(), pids.size());
    }
}
