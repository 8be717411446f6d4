package io.orrery.core.models;

import io.orrery.core.layers.FusedLayer;
import io.orrery.core.layers.Layer;
import io.orrery.core.losses.Loss;
import io.orrery.core.losses.Losses;
import io.orrery.core.metrics.Metric;
import io.orrery.core.metrics.Metrics;
import io.orrery.core.optimizers.Optimizer;
import io.orrery.core.optimizers.OptimizerState;
import io.orrery.core.optimizers.Optimizers;
import io.orrery.core.tensor.Backend;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A linear stack of layers, as {@code keras.Sequential}:
 *
 * <pre>{@code
 * Sequential model = new Sequential(List.of(new Dense(512, "relu"), new Dense(10, "softmax")));
 * model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
 * model.fit(trainImages, trainLabels, FitOptions.defaults().epochs(5).batchSize(128));
 * }</pre>
 *
 * Once built, all weights live in one flat parameter buffer ({@link #parameters()}), gradients in another of the same
 * layout ({@link #gradients()}), and the optimizer state is flat too: the parameter server ships slices of them.
 *
 * <p>This file is over 400 lines because it is the whole public face of a Keras model (build, weights, compile, fit,
 * evaluate, predict, save), each method short; the work is in {@link TrainingStep}, {@link TrainingLoop},
 * {@link BatchIterator}, {@link ModelConfig} and {@link ModelFile}.
 */
public class Sequential {

    private final List<Layer> layers = new ArrayList<>();
    private String name = "sequential";
    private long[] inputShape;
    private ParameterLayout layout;
    private Long seed;

    private Optimizer optimizer;
    private OptimizerState optimizerState;
    private Loss loss;
    private final List<String> metricSpecs = new ArrayList<>();
    private final List<Metric> metrics = new ArrayList<>();
    private TrainingStep trainingStep;
    private boolean stopTraining;

    public Sequential() {
    }

    public Sequential(List<? extends Layer> layers) {
        for (Layer layer : layers) {
            add(layer);
        }
    }

    public Sequential add(Layer layer) {
        if (layout != null) {
            throw new IllegalStateException("cannot add layer " + layer.name() + ": model " + name + " is already built");
        }
        layers.add(layer);
        return this;
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    public String name() {
        return name;
    }

    public Sequential setName(String name) {
        this.name = name;
        return this;
    }

    /** Seeds weight initialization (and nothing global), for reproducible models. Call before building. */
    public Sequential setSeed(long seed) {
        this.seed = seed;
        return this;
    }

    // ---------------------------------------------------------------- building

    /** Builds the model for samples of the given shape, without the batch axis: {@code build(784)}. */
    public Sequential build(long... sampleShape) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = -1;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return buildWithBatchAxis(shape);
    }

    private Sequential buildWithBatchAxis(long[] shape) {
        if (layout != null) {
            if (!Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), Arrays.copyOfRange(inputShape, 1, inputShape.length))) {
                throw new IllegalArgumentException("model " + name + " expects samples of shape " + sampleShapeString(inputShape)
                        + ", found " + sampleShapeString(shape));
            }
            return this;
        }
        if (layers.isEmpty()) {
            throw new IllegalStateException("model " + name + " has no layers; add some before building");
        }
        Random rng = seed == null ? new Random() : new Random(seed);
        long[] current = shape;
        for (Layer layer : layers) {
            layer.setInitRandom(rng);
            current = layer.computeOutputShape(current);
        }
        inputShape = shape.clone();
        layout = new ParameterLayout(trainableWeights(), nonTrainableWeights(), Backend.floatx());
        int w = 0;
        for (Layer layer : layers) {
            int n = layer.trainableWeights().size();
            if (layer instanceof FusedLayer fused) {
                List<INDArray> views = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    views.add(layout.gradientView(w + i));
                }
                fused.bindGradients(views);
            }
            w += n;
        }
        if (optimizer != null && optimizerState == null) {
            optimizerState = optimizer.newState(layout.size(), Backend.floatx());
        }
        return this;
    }

    public boolean isBuilt() {
        return layout != null;
    }

    /** Input shape with the batch axis as -1, or null before building. */
    public long[] inputShape() {
        return inputShape == null ? null : inputShape.clone();
    }

    /** Output shape with the batch axis as -1. */
    public long[] outputShape() {
        requireBuilt("outputShape");
        long[] s = inputShape;
        for (Layer layer : layers) {
            s = layer.computeOutputShape(s);
        }
        return s;
    }

    // ---------------------------------------------------------------- weights and flat buffers

    /**
     * All weights in Keras's order: every layer's trainable weights, then every layer's non-trainable ones
     * ({@code model.weights}). Empty before building.
     */
    public List<Variable> weights() {
        List<Variable> all = new ArrayList<>(trainableWeights());
        all.addAll(nonTrainableWeights());
        return Collections.unmodifiableList(all);
    }

    /** The weights the optimizer updates, layer by layer: the order of {@link #parameters()}. */
    public List<Variable> trainableWeights() {
        List<Variable> out = new ArrayList<>();
        for (Layer layer : layers) {
            out.addAll(layer.trainableWeights());
        }
        return Collections.unmodifiableList(out);
    }

    /** State that is not trained by gradients (moving statistics), layer by layer: the order of {@link #nonTrainableParameters()}. */
    public List<Variable> nonTrainableWeights() {
        List<Variable> out = new ArrayList<>();
        for (Layer layer : layers) {
            out.addAll(layer.nonTrainableWeights());
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * All trainable weights as one flat vector; every layer's trainable weights are views into it. This is what the
     * optimizer updates and the parameter server ships.
     */
    public INDArray parameters() {
        requireBuilt("parameters");
        return layout.parameters();
    }

    /**
     * All non-trainable weights as one flat vector (BatchNormalization's moving mean and variance), views as for
     * {@link #parameters()}. Its length is one (a single 0) when the model has none; see
     * {@link ParameterLayout#nonTrainableSize()}.
     */
    public INDArray nonTrainableParameters() {
        requireBuilt("nonTrainableParameters");
        return layout.nonTrainable();
    }

    /** Gradients of the last {@link #computeGradients} call, laid out as {@link #parameters()}. */
    public INDArray gradients() {
        requireBuilt("gradients");
        return layout.gradients();
    }

    public ParameterLayout layout() {
        requireBuilt("layout");
        return layout;
    }

    /** Number of values in all weights, trainable and not (Keras's {@code count_params()}); 0 before building. */
    public long countParams() {
        return isBuilt() ? layout.size() + layout.nonTrainableSize() : 0;
    }

    // ---------------------------------------------------------------- compile

    /** Compiles with Keras's string names: {@code compile("rmsprop", "sparse_categorical_crossentropy", "accuracy")}. */
    public Sequential compile(String optimizer, String loss, String... metrics) {
        return compile(Optimizers.get(optimizer), Losses.get(loss), metrics);
    }

    /** Compiles without metrics (a plain {@code compile(optimizer, loss)} would be ambiguous between the varargs forms). */
    public Sequential compile(Optimizer optimizer, Loss loss) {
        return compile(optimizer, loss, new String[0]);
    }

    public Sequential compile(Optimizer optimizer, Loss loss, String... metrics) {
        List<Metric> resolved = new ArrayList<>();
        for (String m : metrics) {
            resolved.add(Metrics.get(m, loss.name()));
        }
        compileResolved(optimizer, loss, resolved, List.of(metrics));
        return this;
    }

    public Sequential compile(Optimizer optimizer, Loss loss, Metric... metrics) {
        List<String> specs = new ArrayList<>();
        for (Metric m : metrics) {
            specs.add(m.name());
        }
        compileResolved(optimizer, loss, List.of(metrics), specs);
        return this;
    }

    private void compileResolved(Optimizer optimizer, Loss loss, List<Metric> metrics, List<String> specs) {
        if (optimizer == null || loss == null) {
            throw new IllegalArgumentException("compile needs an optimizer and a loss, found optimizer=" + optimizer + " loss=" + loss);
        }
        this.optimizer = optimizer;
        this.loss = loss;
        this.metrics.clear();
        this.metrics.addAll(metrics);
        this.metricSpecs.clear();
        this.metricSpecs.addAll(specs);
        this.optimizerState = isBuilt() ? optimizer.newState(layout.size(), Backend.floatx()) : null;
        this.trainingStep = null;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public OptimizerState optimizerState() {
        requireCompiled("optimizerState");
        requireBuilt("optimizerState");
        return optimizerState;
    }

    /** Replaces the optimizer state (a restored checkpoint). */
    public void setOptimizerState(OptimizerState state) {
        this.optimizerState = state;
    }

    public Loss loss() {
        return loss;
    }

    /** The compiled metrics (stateful; {@code fit} and {@code evaluate} reset them). */
    public List<Metric> metrics() {
        return Collections.unmodifiableList(metrics);
    }

    List<String> metricSpecs() {
        return metricSpecs;
    }

    // ---------------------------------------------------------------- forward

    /**
     * Runs the layers on a batch, recorded on open tapes: {@code model.call(x, false)} inside a GradientTape gives
     * gradients with respect to the weights, as in Keras's custom training loops.
     */
    public Tensor call(Tensor inputs, boolean training) {
        buildWithBatchAxis(batchShape(inputs.shape()));
        Tensor x = inputs;
        for (Layer layer : layers) {
            x = layer.apply(x, training);
        }
        return x;
    }

    /** Predictions for all samples, computed in batches of 32 (Keras's default). */
    public INDArray predict(INDArray x) {
        return predict(x, 32);
    }

    public INDArray predict(INDArray x, int batchSize) {
        checkInputs(x, "predict");
        long n = x.size(0);
        long[] outShape = outputShape();
        outShape[0] = n;
        INDArray out = Nd4j.createUninitialized(layout.parameters().dataType(), outShape, 'c');
        BatchIterator batches = new BatchIterator(x, null, batchSize, false, 0);
        while (batches.next()) {
            INDArray pred = forwardInference(batches.x());
            out.get(NDArrayIndex.interval(batches.start(), batches.start() + batches.size()))
                    .assign(pred);
        }
        return out;
    }

    INDArray forwardInference(INDArray xb) {
        INDArray a = xb;
        for (Layer layer : layers) {
            // layers without a fused form (user layers) run their call, without a tape
            a = layer instanceof FusedLayer fused ? fused.forward(a, false) : layer.apply(new Tensor(a), false).array();
        }
        return a;
    }

    // ---------------------------------------------------------------- training

    /**
     * Forward and backward on one batch: fills {@link #gradients()} with the batch-mean gradient of the loss and
     * returns the loss. Does not change the weights. Compiled metrics see the batch's predictions.
     */
    public double computeGradients(INDArray x, INDArray y) {
        requireCompiled("computeGradients");
        checkInputs(x, "computeGradients");
        checkTargets(x, y);
        return step().run(x, y, metrics);
    }

    /** Applies the optimizer to the whole flat parameter buffer with the current {@link #gradients()}. */
    public void applyGradients() {
        requireCompiled("applyGradients");
        optimizer.apply(layout.parameters(), layout.gradients(), optimizerState);
    }

    /** One optimizer step on one batch; returns the batch loss. */
    public double trainOnBatch(INDArray x, INDArray y) {
        double lossValue = computeGradients(x, y);
        applyGradients();
        return lossValue;
    }

    private TrainingStep step() {
        if (trainingStep == null) {
            trainingStep = new TrainingStep(this, layers, loss, layout);
        }
        return trainingStep;
    }

    /** Trains for {@code epochs} in batches of {@code batchSize}, as {@code model.fit(x, y, epochs=5, batch_size=128)}. */
    public History fit(INDArray x, INDArray y, int epochs, int batchSize) {
        return fit(x, y, FitOptions.defaults().epochs(epochs).batchSize(batchSize));
    }

    public History fit(INDArray x, INDArray y, FitOptions options) {
        requireCompiled("fit");
        checkInputs(x, "fit");
        checkTargets(x, y);
        return new TrainingLoop(this, options, new LocalEpochRunner(this, x, y, options)).run();
    }

    /** Loss and metrics over the data, in batches of 32: {"loss": ..., "accuracy": ...}. */
    public Map<String, Double> evaluate(INDArray x, INDArray y) {
        return evaluate(x, y, 32);
    }

    public Map<String, Double> evaluate(INDArray x, INDArray y, int batchSize) {
        requireCompiled("evaluate");
        checkInputs(x, "evaluate");
        checkTargets(x, y);
        for (Metric m : metrics) {
            m.resetState();
        }
        double lossSum = 0;
        long seen = 0;
        BatchIterator batches = new BatchIterator(x, y, batchSize, false, 0);
        while (batches.next()) {
            INDArray pred = forwardInference(batches.x());
            lossSum += loss.call(new Tensor(batches.y()), new Tensor(pred)).item() * batches.size();
            seen += batches.size();
            for (Metric m : metrics) {
                m.updateState(batches.y(), pred);
            }
        }
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", seen == 0 ? 0.0 : lossSum / seen);
        for (Metric m : metrics) {
            logs.put(m.name(), m.result());
        }
        return logs;
    }

    /** Asks a running {@code fit} to stop after the current epoch (EarlyStopping uses it). */
    public void setStopTraining(boolean stop) {
        this.stopTraining = stop;
    }

    /** Whether a callback asked the running fit to stop after the current epoch. */
    public boolean stopTraining() {
        return stopTraining;
    }

    // ---------------------------------------------------------------- files and configuration

    /** Prints and returns a Keras-style table of layers, output shapes and parameter counts. */
    public String summary() {
        String s = ModelSummary.of(this);
        System.out.println(s);
        return s;
    }

    /** Architecture and compile configuration as JSON, enough to rebuild the model on another JVM. */
    public String toJson() {
        return ModelConfig.toJson(this);
    }

    /** Rebuilds (and compiles, if the JSON says how) a model from {@link #toJson()}; weights are freshly initialized. */
    public static Sequential fromJson(String json) {
        return ModelConfig.fromJson(json);
    }

    /** Saves architecture, weights and optimizer state to one file (format in docs/model-format.md). */
    public void save(Path file) throws IOException {
        ModelFile.save(this, file);
    }

    public static Sequential load(Path file) throws IOException {
        return ModelFile.load(file);
    }

    Long seed() {
        return seed;
    }

    // ---------------------------------------------------------------- checks

    private void requireBuilt(String what) {
        if (layout == null) {
            throw new IllegalStateException(what + ": model " + name + " is not built yet; call build(sampleShape) or fit/predict first");
        }
    }

    private void requireCompiled(String what) {
        if (optimizer == null) {
            throw new IllegalStateException(what + ": model " + name + " is not compiled; call compile(optimizer, loss, metrics...) first");
        }
    }

    private static long[] batchShape(long[] shape) {
        long[] s = shape.clone();
        s[0] = -1;
        return s;
    }

    void checkInputs(INDArray x, String what) {
        if (x == null || x.rank() < 2) {
            throw new IllegalArgumentException(what + ": expected inputs of shape (samples, ...), found "
                    + (x == null ? "null" : Arrays.toString(x.shape())));
        }
        if (!x.dataType().isFPType()) {
            throw new IllegalArgumentException(what + ": expected floating-point inputs, found " + x.dataType()
                    + "; convert with castTo(DataType.FLOAT) (and scale, e.g. images / 255)");
        }
        buildWithBatchAxis(batchShape(x.shape()));
        if (layout.parameters().dataType() != x.dataType()) {
            throw new IllegalArgumentException(what + ": model " + name + " holds " + layout.parameters().dataType()
                    + " weights but the inputs are " + x.dataType() + "; convert them with castTo(" + layout.parameters().dataType() + ")");
        }
    }

    private static void checkTargets(INDArray x, INDArray y) {
        if (x.size(0) == 0) {
            // otherwise fit returns an empty history and evaluate a loss of 0, which look like results
            throw new IllegalArgumentException("expected at least one sample, found inputs of shape " + Arrays.toString(x.shape()));
        }
        if (y == null || y.rank() == 0 || y.size(0) != x.size(0)) {
            throw new IllegalArgumentException("expected one target per sample: inputs have " + x.size(0) + " samples, targets "
                    + (y == null ? "null" : Arrays.toString(y.shape())));
        }
    }

    private static String sampleShapeString(long[] shapeWithBatch) {
        return Arrays.toString(Arrays.copyOfRange(shapeWithBatch, 1, shapeWithBatch.length));
    }
}
