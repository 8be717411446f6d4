package io.orrery.core.metrics;

import java.util.Locale;

/** Resolves Keras's metric strings, as {@code model.compile(..., metrics=["accuracy"])} does. */
public final class Metrics {

    /** The strings {@link #get} understands, in the order error messages list them. */
    public static final String VALID_NAMES = "[accuracy, acc, binary_accuracy, categorical_accuracy, "
            + "sparse_categorical_accuracy, auc, precision, recall]";

    private Metrics() {
    }

    /**
     * A new metric for a Keras metric string. {@code "accuracy"} and {@code "acc"} pick the accuracy that fits the
     * loss, as Keras does, and keep the string as the metric's name: {@code sparse_categorical_crossentropy} gives
     * {@link SparseCategoricalAccuracy}, {@code categorical_crossentropy} {@link CategoricalAccuracy},
     * {@code binary_crossentropy} {@link BinaryAccuracy}, anything else (or null) plain {@link Accuracy}.
     * Loss names may also be written as Keras class names ("SparseCategoricalCrossentropy").
     *
     * @param name     Keras metric string, case-insensitive
     * @param lossName the compiled loss's Keras name, or null
     * @throws IllegalArgumentException for an unknown metric string, listing the valid ones
     */
    public static Metric get(String name, String lossName) {
        if (name == null) {
            throw new IllegalArgumentException("metric: expected one of " + VALID_NAMES + ", found null");
        }
        String key = name.toLowerCase(Locale.ROOT);
        return switch (key) {
            case "accuracy", "acc" -> accuracyFor(key, lossName);
            case "binary_accuracy" -> new BinaryAccuracy();
            case "categorical_accuracy" -> new CategoricalAccuracy();
            case "sparse_categorical_accuracy" -> new SparseCategoricalAccuracy();
            case "auc" -> new AUC();
            case "precision" -> new Precision();
            case "recall" -> new Recall();
            default -> throw new IllegalArgumentException("metric: expected one of " + VALID_NAMES + ", found \"" + name
                    + "\"; pass a Metric object for anything else");
        };
    }

    private static Metric accuracyFor(String name, String lossName) {
        String loss = lossName == null ? "" : lossName.toLowerCase(Locale.ROOT).replace("_", "");
        return switch (loss) {
            case "sparsecategoricalcrossentropy" -> new SparseCategoricalAccuracy(name);
            case "categoricalcrossentropy" -> new CategoricalAccuracy(name);
            case "binarycrossentropy" -> new BinaryAccuracy(name);
            default -> new Accuracy(name);
        };
    }
}
