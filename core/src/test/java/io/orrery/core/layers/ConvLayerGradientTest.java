package io.orrery.core.layers;

import io.orrery.core.tensor.Float64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.orrery.core.layers.TapeGradientCheck.random;

/**
 * The convolution, pooling and padding layers in float64, for each argument combination: tape gradients (kernel,
 * bias, input) equal central finite differences, and the fused path gives the same output and gradients
 * ({@link LayerGradientTest#check}).
 */
@ExtendWith(Float64.class)
class ConvLayerGradientTest {

    @ParameterizedTest(name = "Conv2D(3, kernel {0}x{1}, strides {2}, {3}, dilation {4}, {5}, use_bias={6})")
    @CsvSource({
            "3,3,1,valid,1,linear,true",
            "3,3,1,valid,1,relu,true",
            "3,3,1,same,1,linear,true",
            "3,3,1,same,1,tanh,false",
            "2,3,2,valid,1,linear,true",
            "3,3,2,same,1,sigmoid,true",
            "3,2,3,same,1,linear,false",
            "3,3,1,valid,2,linear,true",
            "2,2,1,same,2,relu,true",
            "1,1,1,valid,1,softmax,true",
            "3,3,1,same,1,softmax,false"})
    void conv2dGradientsMatchFiniteDifferences(int kh, int kw, int stride, String padding, int dilation, String activation,
                                               boolean useBias) {
        Conv2D conv = Conv2D.builder(3, kh).kernelSize(kh, kw).strides(stride).padding(padding).dilationRate(dilation)
                .activation(activation).useBias(useBias).biasInitializer("random_uniform").build();
        LayerGradientTest.check(conv, random(11, 2, 6, 7, 2));
    }

    @ParameterizedTest(name = "Conv1D(2, kernel {0}, strides {1}, {2}, dilation {3}, use_bias={4})")
    @CsvSource({"3,1,valid,1,true", "3,1,same,1,false", "2,2,valid,1,true", "3,2,same,1,true", "2,1,valid,3,true",
            "3,1,same,2,false",
            "3,1,causal,1,true", "2,2,causal,1,false", "3,1,causal,2,true"})
    void conv1dGradientsMatchFiniteDifferences(int k, int stride, String padding, int dilation, boolean useBias) {
        Conv1D conv = Conv1D.builder(2, k).strides(stride).padding(padding).dilationRate(dilation).activation("tanh")
                .useBias(useBias).biasInitializer("random_uniform").build();
        LayerGradientTest.check(conv, random(12, 2, 9, 3));
    }

    @ParameterizedTest(name = "MaxPooling2D(pool {0}, strides {1}, {2})")
    @CsvSource({"2,2,valid", "2,1,valid", "3,2,same", "2,2,same", "3,3,same"})
    void maxPooling2dGradientsMatchFiniteDifferences(int pool, int stride, String padding) {
        LayerGradientTest.check(new MaxPooling2D(pool, stride, padding), random(13, 2, 5, 7, 3));
    }

    @ParameterizedTest(name = "AveragePooling2D(pool {0}, strides {1}, {2})")
    @CsvSource({"2,2,valid", "2,1,valid", "3,2,same", "2,2,same", "3,3,same"})
    void averagePooling2dGradientsMatchFiniteDifferences(int pool, int stride, String padding) {
        LayerGradientTest.check(new AveragePooling2D(pool, stride, padding), random(14, 2, 5, 7, 3));
    }

    @ParameterizedTest(name = "MaxPooling1D(pool {0}, strides {1}, {2})")
    @CsvSource({"2,2,valid", "3,1,valid", "3,2,same", "2,2,same"})
    void maxPooling1dGradientsMatchFiniteDifferences(int pool, int stride, String padding) {
        LayerGradientTest.check(new MaxPooling1D(pool, stride, padding), random(15, 2, 7, 3));
    }

    @Test
    void globalPoolingGradientsMatchFiniteDifferences() {
        LayerGradientTest.check(new GlobalAveragePooling2D(), random(16, 2, 3, 4, 3));
        LayerGradientTest.check(new GlobalMaxPooling2D(), random(17, 2, 3, 4, 3));
        LayerGradientTest.check(new GlobalAveragePooling1D(), random(18, 2, 5, 3));
    }

    @Test
    void zeroPaddingGradientsMatchFiniteDifferences() {
        LayerGradientTest.check(new ZeroPadding2D(), random(19, 2, 3, 4, 2));
        LayerGradientTest.check(new ZeroPadding2D(0, 2, 1, 0), random(20, 2, 3, 4, 2));
    }

    @Test
    void flattenOfImagesGradientsMatchFiniteDifferences() {
        LayerGradientTest.check(new Flatten(), random(21, 2, 3, 4, 2));
    }
}
