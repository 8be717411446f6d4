package io.orrery.ps.server;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An optional record of every contribution a shard applied, one line {@code pid,shard,step,worker} each, appended to
 * the file named by the system property {@value #PROPERTY}: the proof the fault-injection suite ({@code chaos}) reads
 * to show that no worker's gradient of a step was applied twice, also across a killed and restarted server (lines are
 * flushed at once, and the process id tells the server's lives apart). Off unless the property is set; then the
 * only cost on the hot path is one final-field test.
 */
final class ContributionLedger {

    /** System property naming the ledger file (appended to; created if missing). */
    static final String PROPERTY = "orrery.ps.ledger";

    private static final BufferedWriter OUT = open(System.getProperty(PROPERTY));
    private static final long PID = ProcessHandle.current().pid();

    private ContributionLedger() {
    }

    private static BufferedWriter open(String file) {
        if (file == null || file.isBlank()) {
            return null;
        }
        try {
            return Files.newBufferedWriter(Path.of(file), StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(PROPERTY + "=" + file + ": cannot open the contribution ledger for"
                    + " appending: " + e.getMessage() + "; give a writable file or unset the property", e);
        }
    }

    /** SYNC: the step applied on {@code shard} with every worker that sent at least one chunk of it. */
    static void applied(int shard, long step, boolean[] received, int workers, int chunkCount) {
        if (OUT == null) {
            return;
        }
        for (int w = 0; w < workers; w++) {
            for (int c = 0; c < chunkCount; c++) {
                if (received[w * chunkCount + c]) {
                    applied(shard, step, w);
                    break;
                }
            }
        }
    }

    /** One worker's gradient of {@code step} applied on {@code shard}. */
    static void applied(int shard, long step, int worker) {
        if (OUT == null) {
            return;
        }
        synchronized (OUT) {
            try {
                OUT.write(PID + "," + shard + "," + step + "," + worker + "\n");
                OUT.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(PROPERTY + ": cannot append to the contribution ledger: " + e.getMessage(), e);
            }
        }
    }
}
