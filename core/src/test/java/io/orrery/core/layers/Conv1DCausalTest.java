package io.orrery.core.layers;

import io.orrery.core.tensor.Float64;
import io.orrery.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

import static io.orrery.core.layers.TapeGradientCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conv1D with {@code padding="causal"}, by its definition in Keras: a "valid" convolution of the sequence with
 * {@code dilation * (kernel - 1)} zeros before it, so the output keeps the input's length (divided by the stride) and
 * step t depends on input steps up to t only. Gradients are checked in {@link ConvLayerGradientTest}.
 */
@ExtendWith(Float64.class)
class Conv1DCausalTest {

    @ParameterizedTest(name = "kernel {0}, strides {1}, dilation {2}")
    @CsvSource({"3,1,1", "3,1,2", "2,2,1", "4,3,1", "1,1,1"})
    void equalsAValidConvolutionOfTheLeftPaddedSequence(int kernel, int stride, int dilation) {
        INDArray x = random(31, 2, 9, 3);
        Conv1D causal = Conv1D.builder(4, kernel).strides(stride).dilationRate(dilation).padding("causal")
                .biasInitializer("random_uniform").build();
        INDArray out = causal.apply(Tensor.of(x)).array();
        assertArrayEquals(new long[]{2, (9 - 1) / stride + 1, 4}, out.shape());

        int pad = dilation * (kernel - 1);
        INDArray padded = Nd4j.concat(1, Nd4j.zeros(DataType.DOUBLE, 2, pad, 3), x);
        Conv1D valid = Conv1D.builder(4, kernel).strides(stride).dilationRate(dilation).padding("valid").build();
        valid.ensureBuilt(padded.shape());
        for (int i = 0; i < causal.weights().size(); i++) {
            valid.weights().get(i).assign(causal.weights().get(i).read().array().dup());
        }
        INDArray expected = valid.apply(Tensor.of(padded)).array();
        assertArrayEquals(expected.shape(), out.shape());
        assertTrue(expected.equalsWithEps(out, 1e-12), "causal " + out + " against padded valid " + expected);
    }

    @Test
    void anOutputStepDoesNotSeeLaterInputSteps() {
        INDArray x = random(32, 1, 8, 2);
        Conv1D conv = Conv1D.builder(3, 3).dilationRate(2).padding("causal").build();
        INDArray before = conv.apply(Tensor.of(x)).array().dup();
        INDArray changed = x.dup();
        changed.get(NDArrayIndex.all(), NDArrayIndex.interval(5, 8), NDArrayIndex.all()).assign(100.0);
        INDArray after = conv.apply(Tensor.of(changed)).array();
        INDArray early = before.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 5), NDArrayIndex.all());
        assertTrue(early.equalsWithEps(after.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 5), NDArrayIndex.all()), 0),
                "steps 0-4 changed when only steps 5-7 of the input did");
        assertTrue(!before.get(NDArrayIndex.all(), NDArrayIndex.point(5), NDArrayIndex.all())
                .equalsWithEps(after.get(NDArrayIndex.all(), NDArrayIndex.point(5), NDArrayIndex.all()), 1e-9),
                "step 5 sees input step 5");
    }

    @Test
    void keepsCausalThroughItsConfig() {
        Conv1D conv = Conv1D.builder(2, 3).padding("causal").build();
        Map<String, Object> config = conv.getConfig();
        assertEquals("causal", config.get("padding"));
        Conv1D rebuilt = Conv1D.fromConfig(config);
        assertArrayEquals(new long[]{2, 7, 2}, rebuilt.computeOutputShape(new long[]{2, 7, 5}));
    }

    @Test
    void conv2dRefusesCausalPaddingByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv2D.builder(2, 3).padding("causal").build());
        assertTrue(e.getMessage().contains("causal padding is for Conv1D"), e.getMessage());
    }
}
