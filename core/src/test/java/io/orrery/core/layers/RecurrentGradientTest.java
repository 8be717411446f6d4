package io.orrery.core.layers;

import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.models.Sequential;
import io.orrery.core.tensor.Backend;
import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.orrery.core.layers.FiniteDifferences.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * LSTM, GRU, Embedding and BatchNormalization in float64: the tape's gradients with respect to every trainable weight
 * and the input equal central finite differences, for each argument combination. The objective is
 * {@code sum(layer(x) * r)} with a fixed random {@code r}. Weights start from random values (not Keras's zero biases
 * and unit gammas), so that a wrong sign or a swapped gate cannot hide behind a zero.
 */
class RecurrentGradientTest {

    private static final double TOLERANCE = 1e-6;

    @BeforeEach
    void float64() {
        Backend.setFloatx(DataType.DOUBLE);
    }

    @AfterEach
    void float32() {
        Backend.setFloatx(DataType.FLOAT);
    }

    static INDArray random(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(2);
    }

    @ParameterizedTest(name = "LSTM(3, returnSequences={0}, useBias={1}, unitForgetBias={2}, activation={3})")
    @CsvSource({"false,true,true,tanh", "true,true,true,tanh", "false,false,false,tanh", "true,true,false,relu"})
    void lstmGradientsMatchFiniteDifferences(boolean returnSequences, boolean useBias, boolean unitForgetBias, String activation) {
        LSTM lstm = new LSTM(3, activation, "sigmoid", useBias, "glorot_uniform", "orthogonal", "random_uniform",
                unitForgetBias, returnSequences);
        long[] out = check(lstm, random(1, 2, 4, 3), true, true);
        assertArrayEquals(returnSequences ? new long[]{2, 4, 3} : new long[]{2, 3}, out);
    }

    @ParameterizedTest(name = "GRU(4, returnSequences={0}, useBias={1}, resetAfter={2})")
    @CsvSource({"false,true,true", "true,true,true", "false,true,false", "true,true,false", "false,false,true", "true,false,false"})
    void gruGradientsMatchFiniteDifferences(boolean returnSequences, boolean useBias, boolean resetAfter) {
        GRU gru = new GRU(4, "tanh", "sigmoid", useBias, "glorot_uniform", "orthogonal", "random_uniform", returnSequences, resetAfter);
        long[] out = check(gru, random(2, 2, 5, 3), true, true);
        assertArrayEquals(returnSequences ? new long[]{2, 5, 4} : new long[]{2, 4}, out);
        if (useBias) {
            assertArrayEquals(resetAfter ? new long[]{2, 12} : new long[]{12}, gru.bias().shape());
        }
    }

    @Test
    void embeddingGradientsMatchFiniteDifferencesAndRepeatedIndicesAddUp() {
        Embedding embedding = new Embedding(6, 3);
        // index 2 appears three times: its row's gradient is the sum of three output gradients
        INDArray indices = Nd4j.createFromArray(new double[][]{{2, 0, 5}, {2, 2, 1}});
        long[] out = check(embedding, indices, true, false);
        assertArrayEquals(new long[]{2, 3, 3}, out);
    }

    @ParameterizedTest(name = "BatchNormalization(axis={0}, center={1}, scale={2}, training={3})")
    @CsvSource({"-1,true,true,true", "-1,true,true,false", "-1,false,false,true", "1,true,true,true", "1,true,false,false",
            "-1,false,true,true"})
    void batchNormalizationGradientsMatchFiniteDifferences(int axis, boolean center, boolean scale, boolean training) {
        BatchNormalization bn = new BatchNormalization(axis, 0.99, 1e-3, center, scale, "random_uniform", "random_uniform",
                "random_uniform", "ones");
        check(bn, random(4, 5, 3, 2), training, true);
    }

    @Test
    void batchNormalizationOnRank2GradientsMatchFiniteDifferences() {
        BatchNormalization bn = new BatchNormalization(-1, 0.9, 1e-3, true, true, "random_uniform", "random_uniform", "zeros", "ones");
        check(bn, random(5, 6, 4), true, true);
        check(bn, random(6, 6, 4), false, true);
    }

    /**
     * Builds {@code layer} alone in a model (its weights become views into the model's flat float64 buffers), then
     * compares tape gradients with finite differences. Returns the output shape.
     */
    static long[] check(Layer layer, INDArray x, boolean training, boolean inputGradient) {
        Sequential model = new Sequential(List.of(layer)).setSeed(3);
        model.build(Arrays.copyOfRange(x.shape(), 1, x.rank()));
        Variable in = new Variable(x.dup(), "x", inputGradient);
        List<Variable> weights = layer.trainableWeights();
        List<Tensor> sources = new ArrayList<>(weights);
        sources.add(in);
        sources.addAll(layer.nonTrainableWeights());
        Tensor out;
        List<Tensor> grads;
        INDArray r;
        try (GradientTape tape = new GradientTape()) {
            out = layer.apply(in, training);
            r = random(99, out.shape());
            grads = tape.gradient(Ops.sum(Ops.mul(out, new Tensor(r))), sources);
        }
        INDArray rFinal = r;
        java.util.function.DoubleSupplier objective =
                () -> layer.apply(new Tensor(in.array()), training).array().mul(rFinal).sumNumber().doubleValue();
        for (int i = 0; i < weights.size(); i++) {
            assertNotNull(grads.get(i), "no tape gradient for " + weights.get(i).name());
            INDArray numeric = FiniteDifferences.gradient(objective, weights.get(i).array());
            assertClose(numeric, grads.get(i).array(), TOLERANCE, layer.name() + " d/d " + weights.get(i).name());
        }
        for (int i = 0; i < layer.nonTrainableWeights().size(); i++) {
            // not watched: a tape never differentiates with respect to state
            assertNull(grads.get(weights.size() + 1 + i), layer.nonTrainableWeights().get(i).name());
        }
        if (inputGradient) {
            Tensor g = grads.get(weights.size());
            assertNotNull(g, "no tape gradient for the input of " + layer.name());
            assertClose(FiniteDifferences.gradient(objective, in.array()), g.array(), TOLERANCE, layer.name() + " d/d input");
        }
        return out.shape();
    }
}
