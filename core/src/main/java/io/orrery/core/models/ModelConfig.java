package io.orrery.core.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orrery.core.layers.Layer;
import io.orrery.core.layers.LayerRegistry;
import io.orrery.core.losses.Loss;
import io.orrery.core.losses.Losses;
import io.orrery.core.optimizers.Optimizer;
import io.orrery.core.optimizers.Optimizers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's architecture and compile settings as JSON (the {@code model.json} of a model file, and what a Spark task
 * receives to rebuild the model). Format in docs/model-format.md.
 */
final class ModelConfig {

    static final String FORMAT = "orrery-model";
    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelConfig() {
    }

    static String toJson(Sequential model) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("class_name", "Sequential");
        root.put("name", model.name());
        if (model.seed() != null) {
            root.put("seed", model.seed());
        }
        if (model.inputShape() != null) {
            root.put("input_shape", model.inputShape());
        }
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Layer layer : model.layers()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("class_name", LayerRegistry.classNameOf(layer));
            l.put("config", layer.getConfig());
            layers.add(l);
        }
        root.put("layers", layers);
        if (model.optimizer() != null) {
            Map<String, Object> compile = new LinkedHashMap<>();
            compile.put("optimizer", model.optimizer().getConfig());
            compile.put("loss", model.loss().getConfig());
            compile.put("metrics", model.metricSpecs());
            root.put("compile", compile);
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("model " + model.name() + " has a configuration that is not JSON: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Sequential fromJson(String json) {
        Map<String, Object> root;
        try {
            root = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("model configuration is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!FORMAT.equals(root.get("format"))) {
            throw new IllegalArgumentException("not an Orrery model configuration: expected \"format\": \"" + FORMAT + "\", found " + root.get("format"));
        }
        Object version = root.get("format_version");
        if (!(version instanceof Number n) || n.intValue() > FORMAT_VERSION || n.intValue() < 1) {
            throw new IllegalArgumentException("model configuration has format_version " + version + "; this Orrery reads versions 1.."
                    + FORMAT_VERSION + ": upgrade Orrery to read it");
        }
        Sequential model = new Sequential();
        model.setName((String) root.getOrDefault("name", "sequential"));
        if (root.get("seed") instanceof Number seed) {
            model.setSeed(seed.longValue());
        }
        for (Map<String, Object> l : (List<Map<String, Object>>) root.getOrDefault("layers", List.of())) {
            model.add(LayerRegistry.fromConfig((String) l.get("class_name"), (Map<String, Object>) l.get("config")));
        }
        Map<String, Object> compile = (Map<String, Object>) root.get("compile");
        if (compile != null) {
            Optimizer optimizer = Optimizers.fromConfig((Map<String, Object>) compile.get("optimizer"));
            Loss loss = Losses.fromConfig((Map<String, Object>) compile.get("loss"));
            List<String> metrics = (List<String>) compile.getOrDefault("metrics", List.of());
            model.compile(optimizer, loss, metrics.toArray(new String[0]));
        }
        if (root.get("input_shape") instanceof List<?> shape) {
            long[] s = shape.stream().mapToLong(d -> ((Number) d).longValue()).toArray();
            model.build(Arrays.copyOfRange(s, 1, s.length));
        }
        return model;
    }
}
