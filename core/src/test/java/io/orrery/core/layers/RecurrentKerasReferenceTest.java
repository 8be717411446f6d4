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
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;

import static io.orrery.core.layers.FiniteDifferences.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * LSTM, GRU (reset_after=false) and BatchNormalization (training and inference) against Keras's own equations as
 * TensorFlow.js runs them: the same weights and inputs give the same outputs and the same gradients of
 * {@code sum(output * r)} with respect to the input and every trainable weight. The fixture
 * ({@code keras-reference/recurrent.json}) comes from {@code keras-reference/make-recurrent-fixture.cjs}; TensorFlow.js
 * computes in float32, hence its tolerance. GRU with reset_after=true (Keras 2's default), which TensorFlow.js lacks,
 * is checked against PyTorch's {@code nn.GRU} (the same equations) in float64 ({@code gru-reset-after.json}, from
 * {@code make-gru-reset-after-fixture.py}).
 */
@ExtendWith(Float64.class)
class RecurrentKerasReferenceTest {

    /** Fixture file and the tolerance its generator's precision allows. */
    private static final java.util.Map<String, Double> FIXTURES = java.util.Map.of("recurrent.json", 2e-5, "gru-reset-after.json", 1e-10);

    static List<String> cases() throws IOException {
        List<String> names = new ArrayList<>();
        for (String file : new java.util.TreeSet<>(FIXTURES.keySet())) {
            fixture(file).get("cases").forEach(c -> names.add(file + ":" + c.get("name").asText()));
        }
        return names;
    }

    private static JsonNode fixture(String file) throws IOException {
        try (InputStream in = RecurrentKerasReferenceTest.class.getResourceAsStream("/keras-reference/" + file)) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static INDArray array(JsonNode node) {
        long[] shape = StreamSupport.stream(node.get("shape").spliterator(), false).mapToLong(JsonNode::asLong).toArray();
        double[] values = StreamSupport.stream(node.get("values").spliterator(), false).mapToDouble(JsonNode::asDouble).toArray();
        return Nd4j.create(values, shape, 'c').castTo(DataType.DOUBLE);
    }

    private static Layer layerFor(String name) {
        boolean returnSequences = name.endsWith("return_sequences_true");
        if (name.startsWith("lstm")) {
            return new LSTM(4, returnSequences);
        }
        if (name.startsWith("gru_reset_before")) {
            return new GRU(4, "tanh", "sigmoid", true, "glorot_uniform", "orthogonal", "zeros", returnSequences, false);
        }
        if (name.startsWith("gru_reset_after")) {
            return new GRU(4, returnSequences);
        }
        return new BatchNormalization();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void outputsAndGradientsEqualKeras(String fileAndName) throws IOException {
        String file = fileAndName.substring(0, fileAndName.indexOf(':'));
        String name = fileAndName.substring(file.length() + 1);
        double tolerance = FIXTURES.get(file);
        JsonNode c = StreamSupport.stream(fixture(file).get("cases").spliterator(), false)
                .filter(n -> n.get("name").asText().equals(name)).findFirst().orElseThrow();
        boolean training = c.get("training").asBoolean();
        INDArray x = array(c.get("input"));
        Layer layer = layerFor(name);
        new Sequential(List.of(layer)).build(Arrays.copyOfRange(x.shape(), 1, x.rank()));
        List<JsonNode> weights = new ArrayList<>();
        c.get("weights").forEach(weights::add);
        assertEquals(weights.size(), layer.weights().size(), "weight count");
        for (int i = 0; i < weights.size(); i++) {
            Variable v = layer.weights().get(i);
            String kerasName = weights.get(i).get("name").asText();
            assertEquals(kerasName.substring(kerasName.lastIndexOf('/')), v.name().substring(v.name().lastIndexOf('/')), "weight order");
            v.assign(array(weights.get(i)));
        }
        Variable in = new Variable(x, "x", true);
        List<Tensor> sources = new ArrayList<>(layer.trainableWeights());
        sources.add(in);
        Tensor out;
        List<Tensor> grads;
        try (GradientTape tape = new GradientTape()) {
            out = layer.apply(in, training);
            grads = tape.gradient(Ops.sum(Ops.mul(out, new Tensor(array(c.get("r"))))), sources);
        }
        assertClose(array(c.get("output")), out.array(), tolerance, name + " output");
        assertClose(array(c.get("input_gradient")), grads.get(sources.size() - 1).array(), tolerance, name + " d/d input");
        JsonNode weightGrads = c.get("weight_gradients");
        assertEquals(weightGrads.size(), layer.trainableWeights().size(), "trainable weight count");
        for (int i = 0; i < weightGrads.size(); i++) {
            assertClose(array(weightGrads.get(i)), grads.get(i).array(), tolerance, name + " d/d " + layer.trainableWeights().get(i).name());
        }
    }
}
