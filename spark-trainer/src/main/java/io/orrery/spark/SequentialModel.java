package io.orrery.spark;

import io.orrery.core.metrics.Metric;
import io.orrery.core.models.Sequential;
import io.orrery.core.optimizers.Optimizer;
import io.orrery.core.optimizers.OptimizerState;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Arrays;

/**
 * Core's {@link Sequential} as a {@link ReplicableModel}: the spec is {@link Sequential#toJson()}, rebuilt on each
 * executor with {@link Sequential#fromJson(String)}. Flat feature rows are reshaped to the model's sample shape
 * (for example [batch, 28, 28] for a model that starts with Flatten).
 */
public final class SequentialModel implements ReplicableModel {

    private final Sequential model;
    private final long[] batchShape;
    private final long width;

    /**
     * @param model a built and compiled model
     * @throws IllegalArgumentException if it is not built or not compiled
     */
    public SequentialModel(Sequential model) {
        if (!model.isBuilt()) {
            throw new IllegalArgumentException("The model must be built before training on Spark: expected a built "
                    + "model, found an unbuilt one. Call model.build(784) (the sample shape) first.");
        }
        if (model.optimizer() == null || model.loss() == null) {
            throw new IllegalArgumentException("The model must be compiled before training on Spark: call "
                    + "model.compile(\"rmsprop\", \"sparse_categorical_crossentropy\", \"accuracy\") first.");
        }
        this.model = model;
        this.batchShape = model.inputShape();
        long w = 1;
        for (int i = 1; i < batchShape.length; i++) {
            w *= batchShape[i];
        }
        this.width = w;
    }

    /** The wrapped model. */
    public Sequential model() {
        return model;
    }

    @Override
    public ModelSpec spec() {
        String json = model.toJson();
        return () -> new SequentialModel(Sequential.fromJson(json));
    }

    @Override
    public long inputWidth() {
        return width;
    }

    @Override
    public long[] inputShape() {
        return Arrays.copyOfRange(batchShape, 1, batchShape.length);
    }

    @Override
    public int numClasses() {
        long[] out = model.outputShape();
        return Math.toIntExact(out[out.length - 1]);
    }

    @Override
    public INDArray parameters() {
        return model.parameters();
    }

    /** {@link Sequential#nonTrainableParameters()}, or null when the model has no non-trainable weights. */
    @Override
    public INDArray nonTrainableParameters() {
        return model.layout().nonTrainableSize() == 0 ? null : model.nonTrainableParameters();
    }

    @Override
    public INDArray gradients() {
        return model.gradients();
    }

    @Override
    public double computeGradients(INDArray x, INDArray y) {
        return model.computeGradients(shaped(x), y);
    }

    @Override
    public void applyGradients() {
        model.applyGradients();
    }

    @Override
    public byte[] optimizerState() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            model.optimizerState().writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void restoreOptimizerState(byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            model.setOptimizerState(OptimizerState.readFrom(in, model.parameters().dataType()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optimizer optimizer() {
        return model.optimizer();
    }

    @Override
    public Map<String, Double> trainingMetrics() {
        Map<String, Double> results = new LinkedHashMap<>();
        for (Metric m : model.metrics()) {
            results.put(m.name(), m.result());
        }
        return results;
    }

    @Override
    public INDArray predict(INDArray x) {
        return model.predict(shaped(x), Math.toIntExact(Math.max(1, x.size(0))));
    }

    /** @throws UnsupportedOperationException if a compiled metric cannot merge (core without mergeable metrics) */
    void requireMergeableMetrics() {
        MetricStates.requireMergeable(model.metrics());
    }

    @Override
    public Evaluation evaluate(INDArray x, INDArray y) {
        INDArray prediction = predict(x);
        double lossSum = model.loss().call(new Tensor(y), new Tensor(prediction)).item() * x.size(0);
        List<Metric> metrics = new ArrayList<>();
        for (Metric m : model.metrics()) {
            Metric fresh = MetricStates.copyEmpty(m);
            fresh.updateState(y, prediction);
            metrics.add(fresh);
        }
        return new State(lossSum, x.size(0), metrics);
    }

    private INDArray shaped(INDArray x) {
        if (batchShape.length == 2) {
            return x;
        }
        long[] shape = batchShape.clone();
        shape[0] = x.size(0);
        return x.reshape('c', shape);
    }

    /** Loss sum, sample count and the metrics' states; merging adds the loss and merges each metric. */
    static final class State implements Evaluation {
        private static final long serialVersionUID = 1L;
        private double lossSum;
        private long count;
        private final List<Metric> metrics;

        State(double lossSum, long count, List<Metric> metrics) {
            this.lossSum = lossSum;
            this.count = count;
            this.metrics = metrics;
        }

        @Override
        public Evaluation merge(Evaluation other) {
            State o = (State) other;
            lossSum += o.lossSum;
            count += o.count;
            for (int i = 0; i < metrics.size(); i++) {
                MetricStates.merge(metrics.get(i), o.metrics.get(i));
            }
            return this;
        }

        @Override
        public long count() {
            return count;
        }

        @Override
        public Map<String, Double> results() {
            Map<String, Double> r = new LinkedHashMap<>();
            r.put("loss", count == 0 ? 0.0 : lossSum / count);
            for (Metric m : metrics) {
                r.put(m.name(), m.result());
            }
            return r;
        }
    }
}
