package io.orrery.core.losses;

import java.util.List;
import java.util.Map;

/** Losses by Keras's string names, and from configuration. */
public final class Losses {

    public static final List<String> NAMES = List.of("mean_squared_error", "mse", "mean_absolute_error", "mae",
            "mean_squared_logarithmic_error", "msle", "binary_crossentropy", "hinge", "squared_hinge",
            "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence", "kld", "cosine_similarity");

    private Losses() {
    }

    public static Loss get(String name) {
        return switch (name) {
            case "mean_squared_error", "mse" -> new MeanSquaredError();
            case "mean_absolute_error", "mae" -> new MeanAbsoluteError();
            case "mean_squared_logarithmic_error", "msle" -> new MeanSquaredLogarithmicError();
            case "binary_crossentropy" -> new BinaryCrossentropy();
            case "hinge" -> new Hinge();
            case "squared_hinge" -> new SquaredHinge();
            case "categorical_crossentropy" -> new CategoricalCrossentropy();
            case "sparse_categorical_crossentropy" -> new SparseCategoricalCrossentropy();
            case "kl_divergence", "kld", "kullback_leibler_divergence" -> new KLDivergence();
            case "cosine_similarity" -> new CosineSimilarity();
            default -> throw new IllegalArgumentException("Unknown loss: expected one of " + NAMES + ", received \"" + name + "\"");
        };
    }

    /** Rebuilds a loss from {@link Loss#getConfig()}. */
    public static Loss fromConfig(Map<String, Object> config) {
        String name = (String) config.get("name");
        Loss.Reduction reduction = Loss.Reduction.get((String) config.getOrDefault("reduction", "sum_over_batch_size"));
        boolean logits = Boolean.TRUE.equals(config.get("from_logits"));
        return switch (name) {
            case "binary_crossentropy" -> new BinaryCrossentropy(logits, reduction);
            case "categorical_crossentropy" -> new CategoricalCrossentropy(logits, reduction);
            case "sparse_categorical_crossentropy" -> new SparseCategoricalCrossentropy(logits, reduction);
            case "mean_squared_error" -> new MeanSquaredError(reduction);
            case "mean_absolute_error" -> new MeanAbsoluteError(reduction);
            case "mean_squared_logarithmic_error" -> new MeanSquaredLogarithmicError(reduction);
            case "hinge" -> new Hinge(reduction);
            case "squared_hinge" -> new SquaredHinge(reduction);
            case "kl_divergence" -> new KLDivergence(reduction);
            case "cosine_similarity" -> new CosineSimilarity(reduction);
            default -> get(name);
        };
    }
}
