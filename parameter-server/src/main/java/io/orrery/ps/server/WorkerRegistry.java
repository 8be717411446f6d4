package io.orrery.ps.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Members of the job: worker id to address, the sender it is bound to, last sign of life and last step pushed.
 * Written by the control agent, read by shard agents (to reject unknown workers and other senders, and to name
 * missing ones); lock free.
 *
 * <p>An id is bound to the Aeron session id and source (the sending host and port as the media driver saw them)
 * of the Join that obtained it. Messages naming the id are accepted only from that sender; another sender gets the
 * id only after the holder has been silent for longer than the worker timeout (a restarted process), and only the
 * holder can leave. Every change of membership moves {@link #epoch()} on, so that a SYNC step in progress can
 * recount whom it waits for.
 *
 * <p>A holder that left cleanly stays bound to its id until another sender joins with it: the chunks it sent
 * before its Leave travel on the shard streams and may be read after the Leave (another stream, another agent), and
 * they count for every step up to the last one it said it pushed ({@link #counts}); a SYNC step waits for them
 * ({@link #excused}). Nothing it sends for a later step counts, and no other sender can use the id without joining.
 */
final class WorkerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistry.class);

    /** {@link #join} result: every id is held by a live sender. */
    static final int FULL = -1;
    /** {@link #join} result: the requested id is held by another live sender. */
    static final int TAKEN = -2;

    private final int capacity;
    private final AtomicReferenceArray<String> addresses;
    private final AtomicLongArray lastSeenNs;
    private final AtomicLongArray lastStep;
    private final AtomicIntegerArray joined;
    private final AtomicIntegerArray sessionIds;
    private final AtomicReferenceArray<String> sources;
    /** The correlation id of the Join that bound each id: a JoinAck REJECTED with it tells an evicted holder. */
    private final AtomicLongArray correlationIds;
    private final AtomicLong epoch = new AtomicLong();
    /** Moves on each time the last member leaves (the job is empty: e.g. between two Spark stages). */
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLongArray leftInGeneration;
    /** The last step each holder said it pushed (its heartbeats; the client sends one right before its Leave). */
    private final AtomicLongArray announcedStep;
    /** For a holder that left: the last step whose chunks it sent before its Leave (-1: none). */
    private final AtomicLongArray leftAfterStep;
    /**
     * ASYNC/BOUNDED: the highest step of which a shard took a chunk under each id (-1: none), kept across holders:
     * a worker rejoining under the id numbers on past it ({@link #nextStep}).
     */
    private final AtomicLongArray startedStep;

    WorkerRegistry(int capacity) {
        this.capacity = capacity;
        this.addresses = new AtomicReferenceArray<>(capacity);
        this.lastSeenNs = new AtomicLongArray(capacity);
        this.lastStep = new AtomicLongArray(capacity);
        this.joined = new AtomicIntegerArray(capacity);
        this.sessionIds = new AtomicIntegerArray(capacity);
        this.sources = new AtomicReferenceArray<>(capacity);
        this.correlationIds = new AtomicLongArray(capacity);
        this.leftInGeneration = new AtomicLongArray(capacity);
        this.announcedStep = new AtomicLongArray(capacity);
        this.leftAfterStep = new AtomicLongArray(capacity);
        this.startedStep = new AtomicLongArray(capacity);
        for (int i = 0; i < capacity; i++) {
            lastStep.set(i, -1);
            startedStep.set(i, -1);
            announcedStep.set(i, -1);
            leftAfterStep.set(i, -1);
        }
    }

    int capacity() {
        return capacity;
    }

    /** The sender holding an id, and the Join that bound it. */
    record Holder(int sessionId, String source, long correlationId, String address) {
    }

    /**
     * Gives a joining sender an id: the id it already holds; else its requested id when that is free, held by
     * a sender silent for longer than {@code timeoutNs}, or left; else (no id requested) the lowest free id, or
     * the lowest id whose holder is silent. Returns {@link #TAKEN} when the requested id is held by a live sender,
     * {@link #FULL} when every id is. {@code evicted} receives the previous holder of an id taken over.
     */
    int join(int requestedId, String address, int sessionId, String source, long correlationId, long nowNs,
             long timeoutNs, Holder[] evicted) {
        evicted[0] = null;
        for (int i = 0; i < capacity; i++) {
            if (addresses.get(i) != null && holds(i, sessionId, source)) {
                bind(i, address, sessionId, source, correlationId, nowNs); // the same sender again (a resent Join)
                return i;
            }
        }
        if (requestedId >= 0 && requestedId < capacity) {
            if (addresses.get(requestedId) != null && nowNs - lastSeenNs.get(requestedId) <= timeoutNs) {
                return TAKEN;
            }
            takeOver(requestedId, address, sessionId, source, correlationId, nowNs, evicted);
            return requestedId;
        }
        for (int i = 0; i < capacity; i++) {
            if (addresses.get(i) == null) {
                bind(i, address, sessionId, source, correlationId, nowNs);
                return i;
            }
        }
        for (int i = 0; i < capacity; i++) {
            if (nowNs - lastSeenNs.get(i) > timeoutNs) {
                takeOver(i, address, sessionId, source, correlationId, nowNs, evicted);
                return i;
            }
        }
        return FULL;
    }

    private void takeOver(int id, String address, int sessionId, String source, long correlationId, long nowNs,
                          Holder[] evicted) {
        String previous = addresses.get(id);
        if (previous != null) {
            evicted[0] = new Holder(sessionIds.get(id), sources.get(id), correlationIds.get(id), previous);
            LOG.warn("worker id taken over: workerId={} newAddress={} previousAddress={} lastSeenMsAgo={}", id,
                    address, previous, (nowNs - lastSeenNs.get(id)) / 1_000_000);
        }
        bind(id, address, sessionId, source, correlationId, nowNs);
    }

    private void bind(int id, String address, int sessionId, String source, long correlationId, long nowNs) {
        // Binding first, address last: a reader that sees the member sees its sender.
        sessionIds.set(id, sessionId);
        sources.set(id, source);
        correlationIds.set(id, correlationId);
        lastSeenNs.set(id, nowNs);
        announcedStep.set(id, -1);
        leftAfterStep.set(id, -1);
        joined.set(id, 1);
        addresses.set(id, address);
        epoch.incrementAndGet();
    }

    /**
     * Whether {@code id} is bound to this sender (also after the holder left: its last chunks may still be in a
     * shard's stream).
     */
    boolean holds(int id, int sessionId, String source) {
        return id >= 0 && id < capacity && joined.get(id) != 0 && sessionIds.get(id) == sessionId
                && source.equals(sources.get(id));
    }

    /** The current holder of a member id, or null when the id has no member. */
    Holder holder(int id) {
        String address = addresses.get(id);
        return address == null ? null : new Holder(sessionIds.get(id), sources.get(id), correlationIds.get(id), address);
    }

    /** Moves on at every join and leave. */
    long epoch() {
        return epoch.get();
    }

    /**
     * The holder of {@code id} leaves; the chunks it sent before, up to the later of the last step the shards read
     * from it and the last step it announced, still count.
     */
    void leave(int id) {
        // Written before the address is cleared: a shard that sees the holder gone sees its last step.
        leftAfterStep.set(id, Math.max(lastStep.get(id), announcedStep.get(id)));
        leftInGeneration.set(id, generation.get());
        addresses.set(id, null);
        if (memberCount() == 0) {
            generation.incrementAndGet();
        }
        epoch.incrementAndGet();
    }

    /**
     * Whether SYNC step {@code step} need not wait for {@code id}: its holder left cleanly while others stayed
     * members, did not rejoin, and sent nothing for this step before it left. Once every member has left (the end of
     * a Spark stage, before the next stage's tasks join), every id is waited for again, so that the first steps of
     * the next stage are exact whichever worker joins first.
     */
    boolean excused(int id, long step) {
        return joined.get(id) != 0 && addresses.get(id) == null && leftInGeneration.get(id) == generation.get()
                && leftAfterStep.get(id) < step;
    }

    /**
     * A SYNC step timed out waiting for chunks of {@code step} that the holder of {@code id} said it sent before it
     * left (lost with its process, say): from now on the step goes on without them, so that no Leave holds a step
     * beyond one timeout. Nothing changes for a member.
     */
    void abandon(int id, long step) {
        if (addresses.get(id) == null) {
            leftAfterStep.accumulateAndGet(id, step - 1, Math::min);
        }
    }

    /**
     * Whether a chunk of {@code step} under {@code id} counts: the id has a member, or its holder left after pushing
     * that step (the chunks it sent before its Leave). The caller checks the sender is the holder ({@link #holds}).
     */
    boolean counts(int id, long step) {
        if (id < 0 || id >= capacity || joined.get(id) == 0) {
            return false;
        }
        return addresses.get(id) != null || step <= leftAfterStep.get(id);
    }

    /**
     * The holder of {@code id} says it has pushed every chunk of {@code step} (a heartbeat); {@code step} is
     * range-checked by the caller against the job's version.
     */
    void announced(int id, long step) {
        announcedStep.accumulateAndGet(id, step, Math::max);
    }

    boolean isMember(int id) {
        return id >= 0 && id < capacity && addresses.get(id) != null;
    }

    /** True once the id has joined this job, also after it left (its token-checked messages may still arrive). */
    boolean hasJoined(int id) {
        return id >= 0 && id < capacity && joined.get(id) != 0;
    }

    /** The last step whose chunks the holder of {@code id} sent before it left; -1 when it pushed none. */
    long leftAfterStep(int id) {
        return leftAfterStep.get(id);
    }

    void seen(int id, long nowNs) {
        lastSeenNs.set(id, nowNs);
    }

    void pushed(int id, long step, long nowNs) {
        lastSeenNs.set(id, nowNs);
        lastStep.accumulateAndGet(id, step, Math::max);
    }

    /** ASYNC/BOUNDED: a shard took the first chunk of {@code step} under {@code id}. */
    void started(int id, long step) {
        startedStep.accumulateAndGet(id, step, Math::max);
    }

    /**
     * ASYNC/BOUNDED: the first step a shard of this process takes under {@code id}, whoever holds it: one past the
     * highest step of which any chunk arrived (the shards drop earlier steps as late; and a step that a shard holds
     * part of would otherwise mix the chunks of two processes' gradients). 0 for an id never used.
     */
    long nextStep(int id) {
        return Math.max(lastStep.get(id), startedStep.get(id)) + 1;
    }

    long lastSeenNs(int id) {
        return lastSeenNs.get(id);
    }

    long lastStep(int id) {
        return lastStep.get(id);
    }

    String address(int id) {
        String a = addresses.get(id);
        return a == null ? "(not joined)" : a;
    }

    int memberCount() {
        int n = 0;
        for (int i = 0; i < capacity; i++) {
            if (addresses.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    /** {@code [1 (host/pid), 3 (not joined)]}: ids with their addresses, for log lines naming who is missing. */
    String describe(List<Integer> ids) {
        List<String> parts = new ArrayList<>();
        for (int id : ids) {
            parts.add(id + " (" + address(id) + ")");
        }
        return parts.toString();
    }
}
