package io.orrery.ps.client;

import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.ShardLayout;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Puts parameter chunks back together into whole versions of each shard, straight into the worker's flat parameter
 * buffer, so that a shard is never a mix of two versions. Knows nothing of Aeron: the broadcast hands it the
 * decoded fields of each chunk, and its answer ({@link Outcome}) tells the poller whether to go on, to stop after
 * this message, or to leave the message in the stream for a later wait.
 *
 * <p>A wait starts with {@link #begin} and says what it wants ({@link Want}); between waits, {@link #beginDrain}
 * consumes what is already held. Not thread safe: the worker's thread only.
 */
final class ParameterAssembler {

    /** What the wait in progress takes. */
    enum Want {
        /** Exactly the wanted version of every shard (SYNC: a newer one belongs to a later wait). */
        EXACT,
        /** The wanted version or a newer one, for every shard (the first complete one). */
        AT_LEAST,
        /** Each shard's newest complete version at or above the wanted one, until nothing more arrives. */
        NEWEST,
        /** Nothing new: consume only versions already held, stop at anything newer ({@link #beginDrain}). */
        DRAIN
    }

    /** What the poller does after a message. */
    enum Outcome {
        /** Taken or ignored: poll on. */
        CONTINUE,
        /** Every shard has what the wait wanted: stop polling after this message. */
        DONE,
        /** The message belongs to a later wait: leave it in the stream and stop polling. */
        LATER
    }

    private final ShardLayout layout;
    private final int shards;
    private final long[] heldVersion;
    private final long[] assemblingVersion;
    private final boolean[][] receivedChunks;
    private final int[] receivedCounts;
    private final boolean[] shardFailed;
    private MutableDirectBuffer out;
    private Want want = Want.DRAIN;
    private long wantedVersion;
    private int shardsDone;
    private int shardsFailed;
    private StringBuilder failureReasons;
    private long minWorkerStep = -1;
    private long bytesReceived;

    ParameterAssembler(ShardLayout layout) {
        this.layout = layout;
        this.shards = layout.shardCount();
        this.heldVersion = new long[shards];
        Arrays.fill(heldVersion, -1);
        this.assemblingVersion = new long[shards];
        this.receivedChunks = new boolean[shards][];
        this.receivedCounts = new int[shards];
        this.shardFailed = new boolean[shards];
        for (int s = 0; s < shards; s++) {
            receivedChunks[s] = new boolean[layout.chunkCount(s)];
        }
    }

    /** Starts a wait for {@code version} of every shard, written into {@code out} (the flat float32 parameters). */
    void begin(Want want, long version, MutableDirectBuffer out) {
        if (want == Want.DRAIN) {
            throw new IllegalArgumentException("want: expected EXACT, AT_LEAST or NEWEST for a wait, found DRAIN;"
                    + " use beginDrain()");
        }
        this.want = want;
        this.wantedVersion = version;
        this.out = out;
        shardsDone = 0;
        shardsFailed = 0;
        failureReasons = null;
        Arrays.fill(shardFailed, false);
        for (int s = 0; s < shards; s++) {
            Arrays.fill(receivedChunks[s], false);
            receivedCounts[s] = 0;
            assemblingVersion[s] = -1;
        }
    }

    /** Between waits: takes nothing, consumes versions already held, and answers {@link Outcome#LATER} to the rest. */
    void beginDrain() {
        want = Want.DRAIN;
    }

    /**
     * Checks a chunk's layout fields against the job's layout.
     *
     * @return null when they fit, else why the message is dropped
     */
    DropReason check(int shard, int chunkIndex, int chunkCount, int elementOffset, int elementCount, int payloadBytes) {
        if (shard < 0 || shard >= shards) {
            return DropReason.BAD_SHARD;
        }
        if (chunkCount != layout.chunkCount(shard) || chunkIndex < 0 || chunkIndex >= layout.chunkCount(shard)) {
            return DropReason.BAD_CHUNK;
        }
        int length = layout.chunkLength(shard, chunkIndex);
        if (elementOffset != layout.chunkOffset(chunkIndex) || elementCount != length || payloadBytes != length * 4) {
            return DropReason.BAD_LENGTH;
        }
        return null;
    }

    /**
     * Takes chunk {@code chunkIndex} of {@code shard} at {@code version}, already {@link #check checked}: copies
     * its float32 values into place when the wait wants that version.
     *
     * @param minWorkerStep the slowest member's last step, as the server sent it
     * @param payload the chunk's values, little-endian float32, from offset 0
     */
    Outcome onChunk(int shard, int chunkIndex, long version, long minWorkerStep, DirectBuffer payload) {
        if (want == Want.DRAIN) {
            return version > heldVersion[shard] ? Outcome.LATER : Outcome.CONTINUE;
        }
        this.minWorkerStep = Math.max(this.minWorkerStep, minWorkerStep);
        boolean newest = want == Want.NEWEST;
        int chunks = layout.chunkCount(shard);
        boolean shardComplete = receivedCounts[shard] == chunks;
        if (version < wantedVersion || (shardComplete && !(newest && version > assemblingVersion[shard]))) {
            return Outcome.CONTINUE; // older than wanted, or this shard is complete (and no newer one is wanted)
        }
        if (newest && version < assemblingVersion[shard]) {
            return Outcome.CONTINUE; // older than the version of this shard being taken
        }
        if (want == Want.EXACT && version > wantedVersion) {
            return Outcome.LATER;
        }
        if (version != assemblingVersion[shard]) {
            if (shardComplete) {
                shardsDone--; // a newer version of a shard already taken: it is taken again when complete
            }
            assemblingVersion[shard] = version;
            Arrays.fill(receivedChunks[shard], false);
            receivedCounts[shard] = 0;
        }
        if (!receivedChunks[shard][chunkIndex]) {
            receivedChunks[shard][chunkIndex] = true;
            receivedCounts[shard]++;
        }
        int length = layout.chunkLength(shard, chunkIndex);
        int target = (int) ((layout.shardOffset(shard) + layout.chunkOffset(chunkIndex)) * 4);
        out.putBytes(target, payload, 0, length * 4);
        bytesReceived += length * 4L;
        if (receivedCounts[shard] == chunks) {
            heldVersion[shard] = version;
            shardsDone++;
            if (shardsDone == shards && !newest) {
                return Outcome.DONE;
            }
        }
        return Outcome.CONTINUE;
    }

    /**
     * The server gave up on step {@code step} of {@code shard}: an EXACT wait for the version after it fails for
     * that shard (unless the shard is already complete).
     *
     * @return null, or why the message is dropped
     */
    DropReason onStepFailed(int shard, long step, String reason) {
        if (shard < 0 || shard >= shards) {
            return DropReason.BAD_SHARD;
        }
        if (want == Want.EXACT && step == wantedVersion - 1 && !shardFailed[shard]
                && receivedCounts[shard] < layout.chunkCount(shard)) {
            shardFailed[shard] = true;
            shardsFailed++;
            failureReasons = failureReasons == null ? new StringBuilder(reason) : failureReasons.append("; ").append(reason);
        }
        return null;
    }

    /** Whether {@link #beginDrain} holds: every message newer than what is held belongs to a later wait. */
    boolean draining() {
        return want == Want.DRAIN;
    }

    /** Whether every shard is either complete at the wanted version or failed (an EXACT or AT_LEAST wait ends). */
    boolean finished() {
        return shardsDone + shardsFailed == shards;
    }

    /** Reasons of failed shards of the wait in progress, or null when none failed. */
    String failures() {
        return shardsFailed == 0 ? null : failureReasons.toString();
    }

    /** Whether some shard has part, not all, of a version (a NEWEST wait finishes it before it ends). */
    boolean partWayThroughAVersion() {
        for (int s = 0; s < shards; s++) {
            if (receivedCounts[s] > 0 && receivedCounts[s] < layout.chunkCount(s)) {
                return true;
            }
        }
        return false;
    }

    /** The oldest version held over all shards, -1 before the first complete one. */
    long oldestHeld() {
        long oldest = Long.MAX_VALUE;
        for (long v : heldVersion) {
            oldest = Math.min(oldest, v);
        }
        return oldest;
    }

    /** The version of {@code shard} held in the flat buffer, -1 before the first. */
    long heldVersion(int shard) {
        return heldVersion[shard];
    }

    /** The slowest member's last step, as the server last reported it; -1 before any report. */
    long minWorkerStep() {
        return minWorkerStep;
    }

    /** Parameter payload bytes copied into the flat buffer. */
    long bytesReceived() {
        return bytesReceived;
    }

    /** {@code shard 1 (3/7 chunks)} for each shard the wait in progress still misses. */
    List<String> missing(Object[] shardSources) {
        List<String> missing = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            if (receivedCounts[s] < layout.chunkCount(s)) {
                missing.add("shard " + s + " (" + receivedCounts[s] + "/" + layout.chunkCount(s) + " chunks"
                        + (shardSources == null ? "" : " from " + shardSources[s]) + ")");
            }
        }
        return missing;
    }
}
