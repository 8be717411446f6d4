package io.orrery.core.models;

import io.orrery.core.layers.Layer;

import java.util.Locale;

/** Keras's {@code model.summary()} table. */
final class ModelSummary {

    private static final int WIDTH = 65;

    private ModelSummary() {
    }

    static String of(Sequential model) {
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"").append(model.name()).append("\"\n");
        sb.append("_".repeat(WIDTH)).append('\n');
        sb.append(row("Layer (type)", "Output Shape", "Param #")).append('\n');
        sb.append("=".repeat(WIDTH)).append('\n');
        long[] shape = model.inputShape();
        long total = 0;
        long trainable = 0;
        for (int i = 0; i < model.layers().size(); i++) {
            Layer layer = model.layers().get(i);
            String out = "?";
            if (shape != null) {
                shape = layer.computeOutputShape(shape);
                out = shapeString(shape);
            }
            long params = layer.countParams();
            total += params;
            trainable += layer.trainableWeights().stream().mapToLong(v -> v.array().length()).sum();
            sb.append(row(layer.name() + " (" + layer.getClass().getSimpleName() + ")", out, String.valueOf(params))).append('\n');
            sb.append(i == model.layers().size() - 1 ? "=" .repeat(WIDTH) : " ").append('\n');
        }
        sb.append(String.format(Locale.ROOT, "Total params: %,d%n", total));
        sb.append(String.format(Locale.ROOT, "Trainable params: %,d%n", trainable));
        sb.append(String.format(Locale.ROOT, "Non-trainable params: %,d%n", total - trainable));
        sb.append("_".repeat(WIDTH));
        return sb.toString();
    }

    private static String row(String a, String b, String c) {
        // a long layer name still leaves a space before its shape ("max_pooling2d_1 (MaxPooling2D) (None, ...)")
        String first = a.length() >= 28 ? a + " " : a;
        return String.format(Locale.ROOT, " %-28s%-26s%-10s", first, b, c).stripTrailing();
    }

    static String shapeString(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i] < 0 ? "None" : String.valueOf(shape[i]));
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }
}
