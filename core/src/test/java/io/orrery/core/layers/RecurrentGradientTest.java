package io.orrery.core.layers;

import io.orrery.core.tensor.Float64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.orrery.core.layers.TapeGradientCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * LSTM, GRU, Embedding and BatchNormalization in float64: the tape's gradients with respect to every trainable weight
 * and the input equal central finite differences, for each argument combination. The objective is
 * {@code sum(layer(x) * r)} with a fixed random {@code r}. Weights start from random values (not Keras's zero biases
 * and unit gammas), so that a wrong sign or a swapped gate cannot hide behind a zero.
 */
@ExtendWith(Float64.class)
class RecurrentGradientTest {

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

    /** The shared check ({@link TapeGradientCheck}); returns the output shape. */
    private static long[] check(Layer layer, INDArray x, boolean training, boolean inputGradient) {
        return TapeGradientCheck.check(layer, x, training, inputGradient).out().shape();
    }
}
