package io.orrery.core.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Keras's "an int or a tuple of n ints" arguments (kernel_size, strides, pool_size...), checked and expanded. */
final class Tuples {

    private Tuples() {
    }

    /** Expands one value to n copies, or checks a list of n positive values. */
    static int[] of(Object value, int n, String layer, String argument) {
        int[] out;
        if (value instanceof Number num) {
            out = new int[n];
            Arrays.fill(out, num.intValue());
        } else if (value instanceof int[] a) {
            out = a.clone();
        } else if (value instanceof List<?> list) {
            out = new int[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) list.get(i)).intValue();
            }
        } else {
            throw new IllegalArgumentException(layer + ": " + argument + " must be an int or a tuple of " + n
                    + " ints, received " + value);
        }
        if (out.length != n) {
            throw new IllegalArgumentException(layer + ": " + argument + " must have " + n + " values, received "
                    + Arrays.toString(out));
        }
        for (int v : out) {
            if (v <= 0) {
                throw new IllegalArgumentException(layer + ": " + argument + " values must be positive, received "
                        + Arrays.toString(out));
            }
        }
        return out;
    }

    /** As a list, for getConfig (JSON arrays). */
    static List<Integer> list(int[] values) {
        List<Integer> out = new ArrayList<>();
        for (int v : values) {
            out.add(v);
        }
        return out;
    }

    static String padding(String padding, String layer) {
        return padding(padding, layer, false);
    }

    /** As {@link #padding(String, String)}; {@code causal} also accepts "causal" (Keras allows it for Conv1D only). */
    static String padding(String padding, String layer, boolean causal) {
        String p = padding == null ? "valid" : padding.toLowerCase(Locale.ROOT);
        if (!p.equals("valid") && !p.equals("same") && !(causal && p.equals("causal"))) {
            throw new IllegalArgumentException("Invalid value for padding in " + layer + ": expected one of [valid, same"
                    + (causal ? ", causal" : "") + "], received \"" + padding + "\""
                    + ("causal".equals(p) ? "; causal padding is for Conv1D (sequences) only" : ""));
        }
        return p;
    }

    static void channelsLast(Object dataFormat, String layer) {
        if (dataFormat != null && !"channels_last".equals(dataFormat)) {
            throw new IllegalArgumentException(layer + ": only data_format=\"channels_last\" (batch, ..., channels) is supported,"
                    + " received \"" + dataFormat + "\"; transpose the inputs to channels last");
        }
    }
}
