package io.orrery.ps.protocol;

import io.orrery.ps.JobKey;

import javax.crypto.Mac;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The proof a joining worker gives of the job key: HMAC-SHA256(key, nonce || jobId || correlationId ||
 * requestedWorkerId || sessionId || broadcastEndpoint), fixed-width fields little endian, the endpoint in UTF-8.
 * The nonce makes an old proof useless (the server forgets a nonce after one use); the session id binds the proof to
 * the Aeron session the server then accepts the worker's messages from; the endpoint binds it to where the server
 * will send parameters, so that a proof cannot be replayed with another address.
 *
 * <p>Holds one {@link Mac}: not thread safe, one instance per thread (the control agent; a worker's join).
 */
public final class KeyProof {

    /** Bytes of a nonce. */
    public static final int NONCE_LENGTH = 16;
    /** Bytes of a proof. */
    public static final int PROOF_LENGTH = 32;

    private final Mac mac;
    private final ByteBuffer fields = ByteBuffer.allocate(Long.BYTES * 2 + Integer.BYTES * 2).order(ByteOrder.LITTLE_ENDIAN);

    public KeyProof(JobKey key) {
        this.mac = key.newMac();
    }

    /** The proof over these values. */
    public byte[] compute(byte[] nonce, long jobId, long correlationId, int requestedWorkerId, int sessionId,
                          String broadcastEndpoint) {
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("nonce: expected " + NONCE_LENGTH + " bytes, found " + nonce.length);
        }
        fields.clear();
        fields.putLong(jobId).putLong(correlationId).putInt(requestedWorkerId).putInt(sessionId);
        mac.update(nonce);
        mac.update(fields.array());
        mac.update(broadcastEndpoint.getBytes(StandardCharsets.UTF_8));
        return mac.doFinal();
    }

    /** Whether {@code proof} is the proof over these values; compares in constant time. */
    public boolean verify(byte[] proof, byte[] nonce, long jobId, long correlationId, int requestedWorkerId,
                          int sessionId, String broadcastEndpoint) {
        byte[] expected = compute(nonce, jobId, correlationId, requestedWorkerId, sessionId, broadcastEndpoint);
        return MessageDigest.isEqual(expected, proof);
    }
}
