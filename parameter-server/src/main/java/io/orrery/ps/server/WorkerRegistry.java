package io.orrery.ps.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Members of the job: worker id to address, last sign of life and last step pushed. Written by the control agent,
 * read by shard agents (to reject unknown workers and to name missing ones); lock free.
 */
final class WorkerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistry.class);

    private final int capacity;
    private final AtomicReferenceArray<String> addresses;
    private final AtomicLongArray lastSeenNs;
    private final AtomicLongArray lastStep;
    private final AtomicIntegerArray joined;

    WorkerRegistry(int capacity) {
        this.capacity = capacity;
        this.addresses = new AtomicReferenceArray<>(capacity);
        this.lastSeenNs = new AtomicLongArray(capacity);
        this.lastStep = new AtomicLongArray(capacity);
        this.joined = new AtomicIntegerArray(capacity);
        for (int i = 0; i < capacity; i++) {
            lastStep.set(i, -1);
        }
    }

    int capacity() {
        return capacity;
    }

    /**
     * Gives a joining worker an id: its requested id when it rejoins (or asks for a free one), else the lowest
     * free id. Returns -1 when every id is taken by another address.
     */
    int join(int requestedId, String address, long nowNs) {
        if (requestedId >= 0 && requestedId < capacity) {
            // A rejoin names its old id: it replaces whatever process held it (that one is gone or restarted).
            String previous = addresses.get(requestedId);
            if (previous != null && !previous.equals(address)) {
                LOG.warn("worker id taken over: workerId={} newAddress={} previousAddress={} lastSeenMsAgo={}",
                        requestedId, address, previous, (nowNs - lastSeenNs.get(requestedId)) / 1_000_000);
            }
            addresses.set(requestedId, address);
            lastSeenNs.set(requestedId, nowNs);
            joined.set(requestedId, 1);
            return requestedId;
        }
        for (int i = 0; i < capacity; i++) {
            if (addresses.compareAndSet(i, null, address)) {
                lastSeenNs.set(i, nowNs);
                joined.set(i, 1);
                return i;
            }
        }
        return -1;
    }

    void leave(int id) {
        addresses.set(id, null);
    }

    boolean isMember(int id) {
        return id >= 0 && id < capacity && addresses.get(id) != null;
    }

    /** True once the id has joined this job, also after it left (its token-checked messages may still arrive). */
    boolean hasJoined(int id) {
        return id >= 0 && id < capacity && joined.get(id) != 0;
    }

    void seen(int id, long nowNs) {
        lastSeenNs.set(id, nowNs);
    }

    void pushed(int id, long step, long nowNs) {
        lastSeenNs.set(id, nowNs);
        lastStep.accumulateAndGet(id, step, Math::max);
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
