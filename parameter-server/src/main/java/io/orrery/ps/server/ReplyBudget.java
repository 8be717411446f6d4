package io.orrery.ps.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rate limit on replies that anyone who reaches the server can provoke (challenges and rejections): a token
 * bucket for the server, and a smaller one per sender, checked first. Without the per-sender bucket one sender's
 * flood of Joins spent the whole budget and an honest worker's Join found it empty for as long as the flood lasted
 * (the chaos matrix's keyed fuzz kept a worker out for more than 20 s); now a flood from one sender gets its own
 * share and the rest stays for the others. Senders are told apart by the source the media driver saw (host and
 * port over UDP; over IPC, where every sender has the same source, by session id). Bounded: the least recently
 * heard sender's bucket makes room for a new one. Used by the control agent's thread only.
 */
final class ReplyBudget {

    /** Replies per second at most, on average, to all senders together... */
    static final int PER_SECOND = 20;
    /** ... with bursts of this many. */
    static final int BURST = 20;
    /** Replies per second at most to one sender (a worker's joins need a few: a challenge, a retry). */
    static final int PER_SENDER_PER_SECOND = 4;
    /** ... with bursts of this many. */
    static final int PER_SENDER_BURST = 4;
    /** Senders whose buckets are kept. */
    static final int MAX_SENDERS = 1024;

    private final Bucket all = new Bucket(BURST, System.nanoTime());
    private final Map<String, Bucket> senders = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_SENDERS;
        }
    };

    /** Takes one reply from the sender's bucket and the server's; false (nothing taken) when either is empty. */
    boolean take(int sessionId, String source, long nowNs) {
        String key = source.startsWith("aeron:ipc") || source.isEmpty() ? "ipc#" + sessionId : source;
        Bucket sender = senders.computeIfAbsent(key, k -> new Bucket(PER_SENDER_BURST, nowNs));
        if (!sender.has(PER_SENDER_PER_SECOND, PER_SENDER_BURST, nowNs)
                || !all.has(PER_SECOND, BURST, nowNs)) {
            return false;
        }
        sender.tokens -= 1;
        all.tokens -= 1;
        return true;
    }

    private static final class Bucket {
        double tokens;
        long refilledNs;

        Bucket(double tokens, long nowNs) {
            this.tokens = tokens;
            this.refilledNs = nowNs;
        }

        /** Refills for the time since the last call; true when a whole token is there. */
        boolean has(int perSecond, int burst, long nowNs) {
            tokens = Math.min(burst, tokens + (nowNs - refilledNs) * (perSecond / 1e9));
            refilledNs = nowNs;
            return tokens >= 1;
        }
    }
}
