package io.orrery.core.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.models.Sequential;
import io.orrery.core.tensor.Float64;
import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Conv2D and the 2-D pooling layers against Keras's semantics, as TensorFlow.js 4.22's Layers API computes them
 * (fixture {@code fidelity/conv_tfjs.json}, made by the committed {@code fidelity/conv_tfjs.mjs}): same weights and
 * inputs (formulas of the index), same outputs, input gradients and weight gradients, on the tape and on the fused
 * path. The fixture is float32, so the tolerance is float32's.
 */
@ExtendWith(Float64.class)
class ConvKerasFidelityTest {

    private static final double TOLERANCE = 2e-5;

    private static INDArray fill(long[] shape, IntToDoubleFunction f) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = f.applyAsDouble(i);
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    private static INDArray values(JsonNode array, long[] shape) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asDouble();
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    private static long[] shape(JsonNode node) {
        long[] s = new long[node.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = node.get(i).asLong();
        }
        return s;
    }

    private static int[] pair(JsonNode args, String key, int fallback) {
        JsonNode v = args.get(key);
        if (v == null) {
            return new int[]{fallback, fallback};
        }
        return v.isArray() ? new int[]{v.get(0).asInt(), v.get(1).asInt()} : new int[]{v.asInt(), v.asInt()};
    }

    private static Layer layer(String kind, JsonNode args) {
        String padding = args.has("padding") ? args.get("padding").asText() : "valid";
        if (kind.equals("conv2d")) {
            return new Conv2D(args.get("filters").asInt(), pair(args, "kernelSize", 1), pair(args, "strides", 1), padding,
                    pair(args, "dilationRate", 1), args.has("activation") ? args.get("activation").asText() : null,
                    !args.has("useBias") || args.get("useBias").asBoolean(), "glorot_uniform", "zeros");
        }
        int[] pool = pair(args, "poolSize", 2);
        int[] strides = args.has("strides") ? pair(args, "strides", 1) : pool;
        return kind.equals("maxPooling2d") ? new MaxPooling2D(pool, strides, padding) : new AveragePooling2D(pool, strides, padding);
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv_3x3_valid_relu", "conv_3x2_stride2_same", "conv_2x2_stride2_same_even",
            "conv_3x3_dilation2_same_tanh", "conv_1x1_nobias", "maxpool_3_stride2_same", "avgpool_3_stride2_same",
            "avgpool_2_valid"})
    void matchesTensorFlowJs(String name) throws Exception {
        JsonNode fixture;
        try (InputStream in = getClass().getResourceAsStream("/fidelity/conv_tfjs.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        long[] inputShape = shape(fixture.get("inputShape"));
        JsonNode c = fixture.get("cases").get(name);
        Layer layer = layer(c.get("layer").asText(), c.get("args"));
        new Sequential(List.of(layer)).build(inputShape[1], inputShape[2], inputShape[3]);
        for (int k = 0; k < layer.weights().size(); k++) {
            Variable w = layer.weights().get(k);
            w.assign(fill(w.shape(), k == 0 ? i -> 0.3 * Math.cos(0.23 * i) : i -> 0.1 * (i + 1) - 0.2));
        }
        INDArray x = fill(inputShape, i -> Math.sin(0.37 * i + 0.1));
        long[] outShape = shape(c.get("outputShape"));
        INDArray r = fill(outShape, i -> Math.sin(0.11 * i) + 0.5);
        INDArray expected = values(c.get("output"), outShape);

        Variable in = new Variable(x.dup(), "x", true);
        List<Tensor> sources = new ArrayList<>(layer.weights());
        sources.add(in);
        Tensor out;
        List<Tensor> grads;
        try (GradientTape tape = new GradientTape()) {
            out = layer.apply(in, true);
            grads = tape.gradient(Ops.sum(Ops.mul(out, new Tensor(r))), sources);
        }
        assertArrayEquals(outShape, out.shape(), name + " output shape");
        FiniteDifferences.assertClose(expected, out.array(), TOLERANCE, name + " output (tape)");
        FiniteDifferences.assertClose(expected, ((FusedLayer) layer).forward(x.dup(), true), TOLERANCE, name + " output (fused)");
        if (c.get("inputGrad").isNull()) {
            return; // tfjs has no gradient for this case (dilated convolution); Orrery's is checked by finite differences
        }
        if (name.equals("avgpool_3_stride2_same")) {
            // tfjs 4.22's average-pool gradient divides by the whole window (9) where its own forward pass, like
            // TensorFlow's, divides by the cells inside the input (6 at a corner): it is not the gradient of its
            // forward. Orrery's forward equals tfjs's (above) and its gradient equals finite differences of it
            // (ConvLayerGradientTest), which is TensorFlow's AvgPoolGrad.
            return;
        }
        FiniteDifferences.assertClose(values(c.get("inputGrad"), inputShape), grads.get(layer.weights().size()).array(),
                TOLERANCE, name + " input gradient");
        JsonNode weightGrads = c.get("weightGrads");
        assertEquals(layer.weights().size(), weightGrads.size(), name + " weights");
        for (int k = 0; k < weightGrads.size(); k++) {
            INDArray want = values(weightGrads.get(k).get("values"), shape(weightGrads.get(k).get("shape")));
            FiniteDifferences.assertClose(want, grads.get(k).array(), TOLERANCE, name + " gradient of " + layer.weights().get(k).name());
        }
    }
}
