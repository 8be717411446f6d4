package io.orrery.ps.server;

import io.orrery.ps.StatsSnapshot;
import io.orrery.ps.protocol.DropCounters;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/** Counters of a running server, readable from any thread; {@link #line()} is the periodic stats log line. */
public final class ServerStats {

    final AtomicLong bytesIn = new AtomicLong();
    final AtomicLong bytesOut = new AtomicLong();
    final AtomicLong chunksIn = new AtomicLong();
    final AtomicLong stepsApplied = new AtomicLong();
    final AtomicLong partialSteps = new AtomicLong();
    final AtomicLong failedSteps = new AtomicLong();
    final AtomicLong publishFailures = new AtomicLong();
    final AtomicLong coalescedVersions = new AtomicLong();
    final AtomicLong silentWorkerReports = new AtomicLong();
    final AtomicLong rejectionsNotSent = new AtomicLong();
    final AtomicLong nonFiniteSteps = new AtomicLong();
    final AtomicLong aggregationNs = new AtomicLong();
    final AtomicLong stalenessSum = new AtomicLong();
    final AtomicLong stalenessCount = new AtomicLong();
    final LongAccumulator stalenessMax = new LongAccumulator(Math::max, 0);
    final DropCounters drops;
    /** The server's checkpoint store, whose write counters these stats carry; null without checkpoints. */
    private volatile CheckpointStore checkpoints;

    ServerStats(DropCounters drops) {
        this.drops = drops;
    }

    void carry(CheckpointStore store) {
        this.checkpoints = store;
    }

    /** Gradient payload bytes received and accepted. */
    public long bytesIn() { return bytesIn.get(); }
    /** Parameter payload bytes published. */
    public long bytesOut() { return bytesOut.get(); }
    public long chunksIn() { return chunksIn.get(); }
    /** Optimizer applications summed over shards (a SYNC step on S shards counts S). */
    public long stepsApplied() { return stepsApplied.get(); }
    public long partialSteps() { return partialSteps.get(); }
    public long failedSteps() { return failedSteps.get(); }
    public long publishFailures() { return publishFailures.get(); }
    /**
     * Parameter versions whose broadcast was cut short by a newer version (ASYNC/BOUNDED under back pressure:
     * the newest version is published instead of queueing every one); per shard.
     */
    public long coalescedVersions() { return coalescedVersions.get(); }
    /** Times a worker was reported silent for longer than the worker timeout. */
    public long silentWorkerReports() { return silentWorkerReports.get(); }
    /**
     * Control replies (mostly join rejections) not sent: over the rejection rate limit, the queue full, or not
     * taken by the broadcast before their deadline.
     */
    public long rejectionsNotSent() { return rejectionsNotSent.get(); }
    /** Steps whose sum of gradients or updated parameters were not finite: failed or skipped, never published. */
    public long nonFiniteSteps() { return nonFiniteSteps.get(); }
    /** Time spent averaging and applying the optimizer, summed over shards. */
    public long aggregationNs() { return aggregationNs.get(); }
    public DropCounters drops() { return drops; }
    /** Checkpoint writes that failed with an I/O error (the previous checkpoints stay). */
    public long checkpointWriteFailures() {
        CheckpointStore store = checkpoints;
        return store == null ? 0 : store.failedWrites();
    }
    /** Checkpoints refused because the parameters or optimizer state held NaN or infinity. */
    public long checkpointsRefusedNonFinite() {
        CheckpointStore store = checkpoints;
        return store == null ? 0 : store.refusedNonFinite();
    }
    /** Mean staleness (versions between the one a gradient was computed on and the one it was applied to). */
    public double meanStaleness() {
        long n = stalenessCount.get();
        return n == 0 ? 0.0 : (double) stalenessSum.get() / n;
    }
    public long maxStaleness() { return stalenessMax.get(); }

    void staleness(long versions) {
        stalenessSum.addAndGet(versions);
        stalenessCount.incrementAndGet();
        stalenessMax.accumulate(versions);
    }

    /** The counters now, as one immutable record. */
    public StatsSnapshot snapshot() {
        return new StatsSnapshot(bytesIn.get(), bytesOut.get(), chunksIn.get(), stepsApplied.get(), partialSteps.get(),
                failedSteps.get(), publishFailures.get(), coalescedVersions.get(), silentWorkerReports.get(),
                aggregationNs.get(), meanStaleness(), maxStaleness(), drops.summary(), checkpointWriteFailures(),
                checkpointsRefusedNonFinite(), rejectionsNotSent.get(), nonFiniteSteps.get());
    }

    /** One {@code key=value} line with every counter. */
    public String line() {
        return snapshot().line();
    }
}
