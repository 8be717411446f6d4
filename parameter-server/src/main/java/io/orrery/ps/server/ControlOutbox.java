package io.orrery.ps.server;

import io.aeron.Publication;
import io.orrery.ps.transport.Offers;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * Replies of the control agent (join answers, rejections, eviction notices), offered without ever blocking: the
 * control agent shares shard 0's thread, and a retry loop on a back-pressured or unconnected broadcast would stall
 * that shard (a flood of bad Joins could stall training). Each duty cycle offers the queued replies once; one not
 * accepted stays queued until its deadline and is then dropped and counted. Rejections, which anyone who can reach
 * the server can provoke, are rate limited ({@link ReplyBudget}: for the server and per sender, so that one
 * sender's flood leaves the others their share) and the queue is bounded; answers to accepted joins (only workers
 * holding the token get them) are never refused by the limit. Challenges (a job with a key) are provoked by anyone
 * too and go through the same limit.
 *
 * <p>Each reply names its publication: with a job key over UDP, challenges and rejections go on the replies
 * publication (reaching senders that have not proved the key) and accepted answers on the parameter publication
 * (reaching proven workers only); otherwise both are the one broadcast.
 */
final class ControlOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(ControlOutbox.class);
    /** Queued replies at most; more are dropped (counted) rather than held. */
    static final int MAX_QUEUED = 64;

    private final long timeoutNs;
    private final ServerStats stats;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final ReplyBudget budget = new ReplyBudget();

    ControlOutbox(long timeoutNs, ServerStats stats) {
        this.timeoutNs = timeoutNs;
        this.stats = stats;
    }

    private record Pending(Publication publication, byte[] message, long deadlineNs, String what) {
    }

    /** Queues an answer to an accepted join (or an eviction notice to a member); false when the queue is full. */
    boolean reply(Publication publication, DirectBuffer buffer, int length, String what, long nowNs) {
        return enqueue(publication, buffer, length, what, nowNs);
    }

    /**
     * Queues a rejection or challenge to the sender of the message being answered (its Aeron session and source)
     * unless the rate limit or the queue says no; a refused one is counted, not sent.
     */
    boolean reject(Publication publication, DirectBuffer buffer, int length, String what, int sessionId,
                   String source, long nowNs) {
        if (!budget.take(sessionId, source, nowNs)) {
            stats.rejectionsNotSent.incrementAndGet();
            return false;
        }
        return enqueue(publication, buffer, length, what, nowNs);
    }

    private boolean enqueue(Publication publication, DirectBuffer buffer, int length, String what, long nowNs) {
        if (queue.size() >= MAX_QUEUED) {
            stats.rejectionsNotSent.incrementAndGet();
            return false;
        }
        byte[] copy = new byte[length];
        buffer.getBytes(0, copy);
        queue.add(new Pending(publication, copy, nowNs + timeoutNs, what));
        return true;
    }

    /** Offers queued replies once each, in order, stopping at the first the broadcast does not take. */
    int send(long nowNs) {
        int sent = 0;
        Pending p;
        while ((p = queue.peek()) != null) {
            view.wrap(p.message());
            long result = p.publication().offer(view, 0, p.message().length);
            if (result > 0) {
                queue.poll();
                sent++;
                continue;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED
                    || nowNs - p.deadlineNs() > 0) {
                queue.poll();
                stats.rejectionsNotSent.incrementAndGet();
                LOG.warn("control reply not sent: what={} result={} hint=\"no worker is reading the broadcast, or it is"
                        + " back pressured\"", p.what(), Offers.resultName(result));
                sent++;
                continue;
            }
            break;
        }
        return sent;
    }

    int queued() {
        return queue.size();
    }
}
