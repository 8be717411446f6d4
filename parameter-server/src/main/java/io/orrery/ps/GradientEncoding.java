package io.orrery.ps;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How workers put gradients on the wire to the parameter server, a per-job setting. The server decodes every
 * encoding into its float32 accumulator; parameters always come back as float32.
 */
public enum GradientEncoding {
    /** 4 bytes per value, exact. */
    FLOAT32,
    /** IEEE half precision, 2 bytes per value. */
    FLOAT16,
    /** bfloat16 (float32's exponent, 8 mantissa bits), 2 bytes per value. */
    BFLOAT16,
    /**
     * Index/value pairs of the largest-magnitude values (top-k by a fraction, or all above a threshold); what is not
     * sent stays in the worker's residual and is added to its next gradient (error feedback).
     */
    SPARSE;

    /**
     * Parses {@code float32}, {@code float16}, {@code bfloat16} or {@code sparse} (any case).
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is none of them
     */
    public static GradientEncoding parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        for (GradientEncoding e : values()) {
            if (e.name().equals(t)) {
                return e;
            }
        }
        throw new IllegalArgumentException("Unknown gradient encoding \"" + text + "\": expected one of "
                + Arrays.stream(values()).map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
