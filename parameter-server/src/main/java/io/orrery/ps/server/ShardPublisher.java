package io.orrery.ps.server;

import io.aeron.Publication;
import io.orrery.core.optimizers.RangedStep;
import io.orrery.ps.protocol.ServerProxy;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.transport.Offers;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broadcasts one shard's parameters, chunk by chunk, without ever blocking the shard's thread: what back pressure
 * holds back is sent on a later duty cycle ({@link #continuePublish}), and a newer version replaces one still
 * partly unsent. Every chunk carries the slowest member's last step (BOUNDED workers wait on it).
 */
final class ShardPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(ShardPublisher.class);

    private final ParameterServerConfig config;
    private final int shard;
    private final ShardLayout layout;
    private final int chunkCount;
    private final Publication broadcast;
    private final ServerProxy proxy;
    private final ShardModel model;
    private final WorkerRegistry registry;
    private final ServerStats stats;
    private volatile long publishedVersion;
    /** Next chunk to offer of the version being published; -1 when everything is sent. */
    private int publishCursor = -1;
    /** A StepFailed not yet taken by the broadcast, or null. */
    private String failedReason;
    private long failedStep;
    private long failedDeadlineNs;
    private long publishStallSinceNs;
    private boolean stallReported;

    ShardPublisher(ParameterServerConfig config, int shard, ShardLayout layout, Publication broadcast, ShardModel model,
                   WorkerRegistry registry, ServerStats stats) {
        this.config = config;
        this.shard = shard;
        this.layout = layout;
        this.chunkCount = layout.chunkCount(shard);
        this.broadcast = broadcast;
        this.model = model;
        this.registry = registry;
        this.stats = stats;
        this.proxy = new ServerProxy(config.jobId(), ServerProxy.parameterMessageLength(layout.chunkElements() * 4),
                new BackoffIdleStrategy(), config.offerTimeout().toNanos());
        this.publishedVersion = model.version();
    }

    /** Version of the parameters this shard holds and broadcasts (readable from any thread). */
    long publishedVersion() {
        return publishedVersion;
    }

    /** Whether every chunk of the last version has been offered. */
    boolean idle() {
        return publishCursor < 0;
    }

    /** Starts broadcasting the model's current version and sends what the broadcast accepts now. */
    int publish() {
        startPublish();
        return continuePublish();
    }

    /**
     * All gradients in: updates the shard range by range (a few chunks each) and offers the chunks of the new
     * version as soon as they are updated, so that the workers copy the first chunks in while the optimizer runs on
     * later ones (the same result as one update of the whole shard, bit for bit: {@link RangedStep}). Chunks that
     * back pressure holds back are sent by {@link #continuePublish} as usual.
     */
    boolean applyByRangesAndPublish(RangedStep step, int chunksPerRange) {
        long next = model.version() + 1;
        publishCursor = 0;
        publishStallSinceNs = 0;
        stallReported = false;
        publishedVersion = next;
        long minStep = minMemberStep();
        boolean offering = true;
        boolean finite = true;
        for (int r = 0; r < step.ranges(); r++) {
            step.apply(r);
            int last = Math.min(chunkCount, (r + 1) * chunksPerRange);
            // Checked before any of the range is offered: nothing non-finite reaches a worker.
            if (finite && !model.parametersFinite(layout.chunkOffset(r * chunksPerRange),
                    layout.chunkOffset(last - 1) + layout.chunkLength(shard, last - 1))) {
                finite = false;
                model.poison();
                offering = false;
            }
            while (offering && publishCursor < last) {
                offering = offerChunk(publishCursor, next, minStep) > 0;
                if (offering) {
                    publishCursor++;
                }
            }
        }
        step.finish();
        model.advance();
        continuePublish();
        return finite;
    }

    /** Starts broadcasting the model's current version; {@link #continuePublish} sends it. */
    void startPublish() {
        if (model.poisoned()) {
            publishCursor = -1;
            return;
        }
        long version = model.version();
        if (publishCursor >= 0 && publishedVersion < version) {
            // The previous version is still partly unsent (the broadcast is back pressured): publish the newest
            // instead of queueing both. Counted, never silent; workers want the newest parameters anyway.
            stats.coalescedVersions.incrementAndGet();
            LOG.debug("broadcast coalesced: shard={} version={} replaced by version={} at chunk={}/{}", shard,
                    publishedVersion, version, publishCursor, chunkCount);
        }
        publishCursor = 0;
        publishStallSinceNs = 0;
        stallReported = false;
        publishedVersion = version;
    }

    /**
     * Sends as many chunks of the current version as the broadcast accepts without blocking. Back pressure (a
     * worker not reading yet) leaves the rest for the next duty cycle; a stall longer than the offer timeout is
     * logged once. With no worker connected there is nobody to send to, and a joining worker asks anyway.
     */
    int continuePublish() {
        int failures = offerStepFailed();
        if (publishCursor < 0 || model.poisoned()) {
            publishCursor = -1;
            return failures;
        }
        long version = model.version();
        long minStep = minMemberStep();
        int sent = 0;
        while (publishCursor < chunkCount) {
            int c = publishCursor;
            long result = offerChunk(c, version, minStep);
            if (result > 0) {
                publishCursor++;
                sent++;
                publishStallSinceNs = 0;
                continue;
            }
            if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED
                    || result == Publication.MAX_POSITION_EXCEEDED) {
                stats.publishFailures.incrementAndGet();
                LOG.warn("parameters not published: shard={} version={} chunk={}/{} result={}", shard, version, c,
                        chunkCount, Offers.resultName(result));
                publishCursor = -1;
                return sent + failures;
            }
            long now = System.nanoTime();
            if (publishStallSinceNs == 0) {
                publishStallSinceNs = now;
            } else if (!stallReported && now - publishStallSinceNs > config.offerTimeout().toNanos()) {
                stallReported = true;
                stats.publishFailures.incrementAndGet();
                LOG.warn("broadcast stalled: shard={} version={} chunk={}/{} result={} stalledMs={} members={}"
                                + " hint=\"a worker is not reading parameters (flow control waits for the slowest)\"",
                        shard, version, c, chunkCount, Offers.resultName(result),
                        (now - publishStallSinceNs) / 1_000_000, registry.memberCount());
            }
            return sent + failures;
        }
        publishCursor = -1;
        return sent + failures;
    }

    /**
     * Tells the workers that step {@code step} failed on this shard, with the reason. Offered now and, while the
     * broadcast is back pressured, again on later duty cycles ({@link #continuePublish}) until the offer timeout:
     * the shard's thread never waits for it.
     */
    void stepFailed(long step, String reason) {
        failedStep = step;
        failedReason = reason;
        failedDeadlineNs = System.nanoTime() + config.offerTimeout().toNanos();
        offerStepFailed();
    }

    private int offerStepFailed() {
        if (failedReason == null) {
            return 0;
        }
        long result = proxy.tryStepFailed(broadcast, failedStep, shard, failedReason);
        if (result > 0) {
            failedReason = null;
            return 1;
        }
        if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED
                || System.nanoTime() - failedDeadlineNs > 0) {
            stats.publishFailures.incrementAndGet();
            LOG.error("could not tell workers about the failed step: shard={} step={} result={}", shard, failedStep,
                    Offers.resultName(result));
            failedReason = null;
        }
        return 0;
    }

    /**
     * The oldest last step of the members heard from within the worker timeout, or -1 without any (sent with every
     * parameter chunk). Heartbeats come from a thread of their own, so a silent member is a dead or stopped process:
     * it no longer holds BOUNDED peers (the retried task of a Spark stage waited for a killed executor's id past its
     * step timeout and failed the stage again). Its id counts again once a process holds it and is heard.
     */
    long minMemberStep() {
        long minStep = Long.MAX_VALUE;
        long now = System.nanoTime();
        long timeoutNs = config.workerTimeout().toNanos();
        for (int w = 0; w < registry.capacity(); w++) {
            if (registry.isMember(w) && now - registry.lastSeenNs(w) <= timeoutNs) {
                minStep = Math.min(minStep, registry.lastStep(w));
            }
        }
        return minStep == Long.MAX_VALUE ? -1 : minStep;
    }

    /** Offers chunk {@code c} of the parameters at {@code atVersion}; counts the bytes when accepted. */
    private long offerChunk(int c, long atVersion, long minStep) {
        int offset = layout.chunkOffset(c);
        int length = layout.chunkLength(shard, c);
        long result = proxy.tryParameterChunk(broadcast, atVersion, minStep, shard, c, chunkCount, offset, length,
                model.parametersBuffer(), offset * 4, length * 4);
        if (result > 0) {
            stats.bytesOut.addAndGet(length * 4L);
        }
        return result;
    }
}
