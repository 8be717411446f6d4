package io.orrery.core.layers;

import io.orrery.core.tensor.Backend;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Base of all layers, as {@code keras.layers.Layer}. A subclass takes its configuration in the constructor, creates
 * weights in {@link #build(long[])} with {@link #addWeight}, and computes in {@link #call(Tensor)} (or
 * {@link #call(Tensor, boolean)} when training and inference differ). The layer is built on its first call, from the
 * shape of the first input. Gradients come from the {@link io.orrery.core.autodiff.GradientTape}.
 *
 * <pre>{@code
 * class SimpleDense extends Layer {
 *     private final int units;
 *     private Variable w, b;
 *     SimpleDense(int units) { this.units = units; }
 *     protected void build(long[] inputShape) {
 *         w = addWeight("kernel", new long[]{inputShape[inputShape.length - 1], units}, "random_normal");
 *         b = addWeight("bias", new long[]{units}, "zeros");
 *     }
 *     public Tensor call(Tensor inputs) { return Ops.matmul(inputs, w).add(b); }
 * }
 * }</pre>
 */
public abstract class Layer {

    private static final Map<String, AtomicInteger> NAME_COUNTERS = new ConcurrentHashMap<>();

    private String name;
    private final List<Variable> weights = new ArrayList<>();
    private boolean built;
    private long[] builtInputShape;
    private Random initRandom = new Random();

    protected Layer() {
        String base = snakeCase(getClass().getSimpleName());
        // Keras's unique names: "dense", then "dense_1", "dense_2", ...
        int n = NAME_COUNTERS.computeIfAbsent(base, k -> new AtomicInteger()).getAndIncrement();
        this.name = n == 0 ? base : base + "_" + n;
    }

    public String name() {
        return name;
    }

    /** Renames the layer (names appear in {@code summary()} and model files). */
    public Layer setName(String name) {
        this.name = name;
        return this;
    }

    /**
     * Creates the layer's weights for inputs of the given shape; the first axis is the batch and is {@code -1}.
     * The default creates none.
     */
    protected void build(long[] inputShape) {
    }

    /** The layer's computation. Override this or {@link #call(Tensor, boolean)}. */
    public Tensor call(Tensor inputs) {
        throw new UnsupportedOperationException(getClass().getName() + " must override call(Tensor) or call(Tensor, boolean)");
    }

    /** The layer's computation, told whether it runs in training (Dropout differs). Defaults to {@link #call(Tensor)}. */
    public Tensor call(Tensor inputs, boolean training) {
        return call(inputs);
    }

    /** Builds on first use, then calls: what {@code layer(inputs)} does in Keras. */
    public final Tensor apply(Tensor inputs) {
        return apply(inputs, false);
    }

    public final Tensor apply(Tensor inputs, boolean training) {
        long[] shape = inputs.shape().clone();
        if (shape.length > 0) {
            shape[0] = -1;
        }
        ensureBuilt(shape);
        return call(inputs, training);
    }

    /** Builds the layer for the given input shape (batch axis -1) unless it is built already. */
    public final void ensureBuilt(long[] inputShape) {
        if (!built) {
            build(inputShape.clone());
            builtInputShape = inputShape.clone();
            built = true;
        }
    }

    public boolean isBuilt() {
        return built;
    }

    /** The input shape the layer was built for (batch axis -1), or null before building. */
    public long[] builtInputShape() {
        return builtInputShape == null ? null : builtInputShape.clone();
    }

    /**
     * Output shape for an input shape (batch axis -1). The default runs the layer once on a zero batch of one;
     * layers override it when they can say directly.
     */
    public long[] computeOutputShape(long[] inputShape) {
        ensureBuilt(inputShape);
        long[] probe = inputShape.clone();
        probe[0] = 1;
        long[] out = call(new Tensor(Nd4j.zeros(Backend.floatx(), probe)), false).shape().clone();
        out[0] = -1;
        return out;
    }

    /** Creates a trainable weight with a Keras initializer name ("zeros", "glorot_uniform", ...). */
    protected final Variable addWeight(String weightName, long[] shape, String initializer) {
        return addWeight(weightName, shape, Initializers.get(initializer), true);
    }

    /**
     * Creates a weight with a Keras initializer name; {@code trainable=false} makes state that the optimizer never
     * touches and gradients never reach (BatchNormalization's moving statistics), as Keras's
     * {@code add_weight(..., trainable=False)}.
     */
    protected final Variable addWeight(String weightName, long[] shape, String initializer, boolean trainable) {
        return addWeight(weightName, shape, Initializers.get(initializer), trainable);
    }

    /** Creates a weight with the given initializer. */
    protected final Variable addWeight(String weightName, long[] shape, Initializer initializer, boolean trainable) {
        Variable v = new Variable(initializer.create(shape, Backend.floatx(), initRandom), name + "/" + weightName, trainable);
        weights.add(v);
        return v;
    }

    /**
     * All weights in Keras's order: the trainable ones, then the non-trainable ones, each in creation order
     * ({@code layer.weights == layer.trainable_weights + layer.non_trainable_weights}).
     */
    public List<Variable> weights() {
        List<Variable> all = new ArrayList<>(trainableWeights());
        all.addAll(nonTrainableWeights());
        return Collections.unmodifiableList(all);
    }

    /** Weights the optimizer updates, in creation order; these live in the model's flat parameter buffer. */
    public List<Variable> trainableWeights() {
        return weights.stream().filter(Variable::trainable).toList();
    }

    /**
     * Weights that are state, not parameters (moving statistics), in creation order; these live in the model's flat
     * non-trainable buffer, which the optimizer and the parameter server never see.
     */
    public List<Variable> nonTrainableWeights() {
        return weights.stream().filter(v -> !v.trainable()).toList();
    }

    /** Number of values in all weights, trainable or not (Keras's {@code count_params()}). */
    public long countParams() {
        long n = 0;
        for (Variable v : weights) {
            n += v.array().length();
        }
        return n;
    }

    /** The random source for weight initialization; models set it from their seed before building. */
    public void setInitRandom(Random rng) {
        this.initRandom = rng;
    }

    /**
     * Configuration as plain values; with the class name it rebuilds the layer ({@link LayerRegistry}).
     * Subclasses add their settings to {@code super.getConfig()}.
     */
    public Map<String, Object> getConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", name);
        return config;
    }

    static String snakeCase(String className) {
        // Keras's to_snake_case: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d, SimpleDense -> simple_dense
        String s = className.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
    }

    static long product(long[] shape, int from) {
        long n = 1;
        for (int i = from; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + name + (built ? ", input " + Arrays.toString(builtInputShape) : "") + ")";
    }
}
