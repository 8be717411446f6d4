package io.orrery.ps;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A job's 32-byte key: workers prove they know it at the join (an HMAC-SHA256 over a fresh server nonce), and it
 * never travels on the wire. Derived from a shared secret and the job id ({@link #derive}), so that one secret (Spark's
 * {@code spark.authenticate.secret}, a {@code ps --secret-file}) gives each job its own key and a leaked job key
 * does not reveal the secret.
 *
 * <p>Immutable. {@link #toString()} never shows the key, and nothing reads the key bytes out: code that needs the
 * key asks for an initialised {@link #newMac()}. Serializable because the Spark trainer ships it to its tasks
 * (inside records whose {@code toString()} hides it too).
 */
public final class JobKey implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Key length in bytes (HMAC-SHA256's output). */
    public static final int LENGTH = 32;
    private static final String HMAC = "HmacSHA256";
    /** Separates this use of the secret from any other use of the same secret (Spark's own RPC authentication). */
    private static final byte[] LABEL = "orrery parameter-server job key v1".getBytes(StandardCharsets.UTF_8);

    private final byte[] key;

    private JobKey(byte[] key) {
        this.key = key;
    }

    /**
     * The key of job {@code jobId} under {@code secret}: HMAC-SHA256(secret, label || jobId as 8 little-endian bytes).
     *
     * @throws IllegalArgumentException when the secret is empty
     */
    public static JobKey derive(byte[] secret, long jobId) {
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException("secret: expected at least one byte, found none; give the job's secret"
                    + " (a file, an environment variable or spark.authenticate.secret)");
        }
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret, HMAC));
            mac.update(LABEL);
            mac.update(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(jobId).array());
            return new JobKey(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM: " + e.getMessage(), e);
        }
    }

    /** {@link #derive(byte[], long)} of a text secret's UTF-8 bytes (surrounding white space removed). */
    public static JobKey derive(String secret, long jobId) {
        return derive(secret == null ? null : secret.strip().getBytes(StandardCharsets.UTF_8), jobId);
    }

    /** A new HMAC-SHA256 keyed with this key (a {@link Mac} is not thread safe: one per user). */
    public Mac newMac() {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobKey other && MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "JobKey[<hidden>]";
    }
}
