package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Map;

/**
 * Turns integer indices into dense vectors, as {@code keras.layers.Embedding}: inputs of shape (batch, ...) holding
 * indices in {@code [0, input_dim)} (as floats, the type models take) give outputs of shape (batch, ..., output_dim),
 * row {@code i} of the {@code embeddings} weight [input_dim, output_dim] for index {@code i}. Embeddings start
 * uniform in [-0.05, 0.05] (Keras's {@code "uniform"}). The gradient reaches only the rows that were looked up; the
 * indices get none.
 */
public final class Embedding extends Layer {

    private final int inputDim;
    private final int outputDim;
    private final String embeddingsInitializer;
    private Variable embeddings;

    public Embedding(int inputDim, int outputDim) {
        this(inputDim, outputDim, "uniform");
    }

    public Embedding(int inputDim, int outputDim, String embeddingsInitializer) {
        if (inputDim <= 0 || outputDim <= 0) {
            throw new IllegalArgumentException("Embedding input_dim and output_dim must be positive, received input_dim=" + inputDim
                    + " output_dim=" + outputDim);
        }
        LayerInitializers.get(embeddingsInitializer);
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        this.embeddingsInitializer = embeddingsInitializer;
    }

    /** Rebuilds the layer from {@link #getConfig()}. {@code mask_zero=true} is not supported and is rejected. */
    public static Embedding fromConfig(Map<String, Object> config) {
        if (Boolean.TRUE.equals(config.get("mask_zero"))) {
            throw new IllegalArgumentException("Embedding mask_zero=true is not supported (Orrery has no masks yet); received " + config);
        }
        Embedding e = new Embedding(((Number) config.get("input_dim")).intValue(), ((Number) config.get("output_dim")).intValue(),
                (String) config.getOrDefault("embeddings_initializer", "uniform"));
        e.setName((String) config.get("name"));
        return e;
    }

    @Override
    protected void build(long[] inputShape) {
        if (inputShape.length < 2) {
            throw new IllegalArgumentException("Embedding " + name() + " expects inputs of shape (batch, ...) holding indices, found "
                    + Arrays.toString(inputShape));
        }
        embeddings = addWeight("embeddings", new long[]{inputDim, outputDim}, LayerInitializers.get(embeddingsInitializer), true);
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        ensureBuilt(inputShape);
        long[] out = Arrays.copyOf(inputShape, inputShape.length + 1);
        out[inputShape.length] = outputDim;
        return out;
    }

    @Override
    public Tensor call(Tensor inputs) {
        checkIndices(inputs.array());
        return Ops.gather(embeddings, inputs.array());
    }

    /** Names the layer and the remedy; {@code Ops.gather}'s own check could only name the gathered axis. */
    private void checkIndices(INDArray x) {
        double[] values = x.dup('c').reshape('c', new long[]{x.length()}).toDoubleVector();
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            int k = (int) v;
            if (k != v || k < 0 || k >= inputDim) {
                throw new IllegalArgumentException("Embedding " + name() + ": input " + v + " at flat position " + i
                        + " is not an index in [0, " + inputDim + "); check the data or raise input_dim");
            }
        }
    }

    public Variable embeddings() {
        return embeddings;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("input_dim", inputDim);
        config.put("output_dim", outputDim);
        config.put("embeddings_initializer", embeddingsInitializer);
        config.put("mask_zero", false);
        return config;
    }
}
