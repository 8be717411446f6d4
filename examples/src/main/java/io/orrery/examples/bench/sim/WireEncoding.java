package io.orrery.examples.bench.sim;

import java.util.Locale;

/**
 * Size of a gradient on the wire.
 *
 * @param name              encoding name as the trainer spells it
 * @param bytesPerParameter average bytes sent per model parameter
 * @param reducible         whether encoded gradients can be summed without decoding (dense formats can; sparse
 *                          threshold/top-k messages cannot, so ring all-reduce falls back to dense float32)
 */
public record WireEncoding(String name, double bytesPerParameter, boolean reducible) {

    public WireEncoding {
        if (!(bytesPerParameter > 0)) {
            throw new IllegalArgumentException("bytesPerParameter must be > 0, found " + bytesPerParameter);
        }
    }

    public static WireEncoding float32() {
        return new WireEncoding("float32", 4, true);
    }

    public static WireEncoding float16() {
        return new WireEncoding("float16", 2, true);
    }

    public static WireEncoding bfloat16() {
        return new WireEncoding("bfloat16", 2, true);
    }

    /**
     * A sparse encoding sending a fraction {@code density} of the entries, each as a 4-byte index and a 4-byte
     * float value (the residual stays on the worker).
     */
    public static WireEncoding sparse(String name, double density) {
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("Sparse density must be in (0, 1], found " + density
                    + " for encoding " + name);
        }
        return new WireEncoding(name + ":" + density, 8 * density, false);
    }

    /**
     * Parses {@code float32}, {@code float16}, {@code bfloat16}, {@code threshold[:density]} or
     * {@code topk[:density]}; the density of a sparse encoding defaults to 1%.
     */
    public static WireEncoding parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        String[] parts = s.split(":", 2);
        double density = 0.01;
        if (parts.length == 2) {
            try {
                density = Double.parseDouble(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid density in encoding \"" + text
                        + "\": expected a number in (0, 1] after the colon, e.g. threshold:0.01");
            }
        }
        return switch (parts[0]) {
            case "float32", "fp32" -> float32();
            case "float16", "fp16" -> float16();
            case "bfloat16", "bf16" -> bfloat16();
            case "threshold", "topk" -> sparse(parts[0], density);
            default -> throw new IllegalArgumentException("Invalid value for encoding: expected one of [float32,"
                    + " float16, bfloat16, threshold[:density], topk[:density]], received \"" + text + "\"");
        };
    }
}
