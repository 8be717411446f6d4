package io.orrery.core.data;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One file of a published dataset: its name in the cache directory and on mirrors (without {@code .gz}), and the
 * SHA-256 and length of its raw (uncompressed) content.
 *
 * <p>Pinning the raw content rather than the compressed file is deliberate: the same data is published gzipped with
 * different compression settings (the Debian package of Fashion-MNIST recompressed the upstream files), and the cache
 * may hold either form.
 *
 * @param name     file name, e.g. {@code train-images-idx3-ubyte}
 * @param sha256   lower-case hex SHA-256 of the raw content
 * @param rawBytes length of the raw content
 */
public record DatasetFile(String name, String sha256, long rawBytes) {

    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Validates the fields; the hash is normalised to lower case. */
    public DatasetFile {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("dataset file name: expected a plain file name, found \"" + name + "\"");
        }
        sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
        if (sha256 == null || !HEX_SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("SHA-256 of " + name + ": expected 64 hex digits, found \"" + sha256
                    + "\"");
        }
        if (rawBytes <= 0 || rawBytes > IdxFile.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("raw length of " + name + ": expected 1.." + IdxFile.MAX_PAYLOAD_BYTES
                    + " bytes, found " + rawBytes);
        }
    }
}
