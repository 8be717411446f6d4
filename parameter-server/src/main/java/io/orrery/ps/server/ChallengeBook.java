package io.orrery.ps.server;

import io.orrery.ps.protocol.KeyProof;

import java.security.SecureRandom;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The challenges a server with a job key has sent and not yet seen answered: one per sender (Aeron session id), the
 * newest Join's. A nonce is used once: {@link #take} removes it whatever the proof turns out to be, so a proof can
 * never be replayed, and a challenge expires after {@link #LIFETIME_NS}. Bounded: anyone can send Joins, so the
 * oldest challenge makes room for a new one. Used by the control agent's thread only.
 */
final class ChallengeBook {

    /** Outstanding challenges at most. */
    static final int CAPACITY = 256;
    /** A challenge not answered within this is forgotten (the worker sends a new Join). */
    static final long LIFETIME_NS = 10_000_000_000L;

    private final SecureRandom random = new SecureRandom();
    private final LinkedHashMap<Integer, Pending> bySession = new LinkedHashMap<>();

    /** A challenge sent: to which sender, for which Join. The nonce is not secret (it went out in clear). */
    record Pending(byte[] nonce, String source, long correlationId, String workerAddress, long issuedNs) {
    }

    /** A fresh nonce for a Join from this sender; replaces the sender's earlier challenge. */
    byte[] issue(int sessionId, String source, long correlationId, String workerAddress, long nowNs) {
        expire(nowNs);
        bySession.remove(sessionId);
        if (bySession.size() >= CAPACITY) {
            Iterator<Map.Entry<Integer, Pending>> oldest = bySession.entrySet().iterator();
            oldest.next();
            oldest.remove();
        }
        byte[] nonce = new byte[KeyProof.NONCE_LENGTH];
        random.nextBytes(nonce);
        bySession.put(sessionId, new Pending(nonce, source, correlationId, workerAddress, nowNs));
        return nonce;
    }

    /**
     * The challenge this sender's proof answers, removed; null when there is none (never sent, expired, already
     * answered, another source, another correlation id).
     */
    Pending take(int sessionId, String source, long correlationId, long nowNs) {
        expire(nowNs);
        Pending p = bySession.remove(sessionId);
        if (p == null || !p.source().equals(source) || p.correlationId() != correlationId) {
            return null;
        }
        return p;
    }

    private void expire(long nowNs) {
        Iterator<Pending> it = bySession.values().iterator();
        while (it.hasNext()) {
            if (nowNs - it.next().issuedNs() > LIFETIME_NS) {
                it.remove();
            } else {
                break; // insertion order is issue order
            }
        }
    }
}
