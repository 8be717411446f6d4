package io.orrery.examples.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Stroke;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The colours of the benchmark's charts: one colour per system (a chart series, e.g. {@code orrery sync float32
 * b=128}), the same in every chart, from a palette readable on white; and a dash pattern for a second dimension
 * within a system (the worker count on the accuracy chart, the link rate on the simulator's).
 *
 * <p>Colours are given in the sorted order of all systems of a benchmark, Orrery's own series first (they get the
 * strongest colours), so a chart that leaves a system out (the efficiency chart has no line for a system without a
 * 1-worker run) does not shift the others' colours.
 */
final class SeriesStyle {

    /**
     * Okabe and Ito's colour-blind-safe colours without their yellow, orange and sky blue (under 3:1 contrast on
     * white, the WCAG minimum for lines), then darker colours of the same kind; every one at least 3:1 on white.
     */
    static final List<Color> PALETTE = List.of(
            new Color(0x0072B2),  // blue
            new Color(0xD55E00),  // vermillion
            new Color(0x009E73),  // bluish green
            new Color(0xCC79A7),  // reddish purple
            new Color(0x000000),  // black
            new Color(0x8C564B),  // brown
            new Color(0x332288),  // indigo
            new Color(0x7F7F7F),  // grey
            new Color(0x6B6B00),  // olive
            new Color(0x882255)); // wine

    private static final float LINE_WIDTH = 2.0f;
    private static final float[][] DASHES = {null, {8f, 4f}, {2f, 3f}, {10f, 3f, 2f, 3f}, {4f, 4f}};

    private final Map<String, Color> colours = new LinkedHashMap<>();

    private SeriesStyle(Collection<String> systems) {
        int i = 0;
        Comparator<String> orreryFirst = Comparator.comparing(s -> !s.startsWith(BenchConfig.ORRERY + " "));
        TreeSet<String> sorted = new TreeSet<>(orreryFirst.thenComparing(Comparator.naturalOrder()));
        sorted.addAll(systems);
        for (String system : sorted) {
            colours.put(system, PALETTE.get(i++ % PALETTE.size()));
        }
    }

    /** Colours for these systems (duplicates and order do not matter). */
    static SeriesStyle of(Collection<String> systems) {
        return new SeriesStyle(systems);
    }

    /** The colour of {@code system}; a system not given at construction is an error of the caller. */
    Color colour(String system) {
        Color c = colours.get(system);
        if (c == null) {
            throw new IllegalArgumentException("No colour for chart series \"" + system + "\": expected one of "
                    + colours.keySet() + "; build the style from every row of the benchmark");
        }
        return c;
    }

    /** A line of width 2, solid for {@code index} 0 and dashed differently for the next few. */
    static Stroke stroke(int index) {
        float[] dash = DASHES[index % DASHES.length];
        return dash == null ? new BasicStroke(LINE_WIDTH)
                : new BasicStroke(LINE_WIDTH, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f);
    }

    /** WCAG's contrast ratio of {@code c} against white: 21 for black, 1 for white. */
    static double contrastOnWhite(Color c) {
        return 1.05 / (luminance(c) + 0.05);
    }

    private static double luminance(Color c) {
        return 0.2126 * linear(c.getRed()) + 0.7152 * linear(c.getGreen()) + 0.0722 * linear(c.getBlue());
    }

    private static double linear(int channel) {
        double v = channel / 255.0;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
}
