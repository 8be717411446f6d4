package io.orrery.core.layers;

import io.orrery.core.models.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keras's names, defaults and config keys for the convolution layers; configs and model files round-trip. */
class ConvLayerConfigTest {

    @Test
    void conv2dConfigHasKerasKeysAndDefaults() {
        Map<String, Object> c = new Conv2D(32, 3, "relu").getConfig();
        assertEquals(32, c.get("filters"));
        assertEquals(List.of(3, 3), c.get("kernel_size"));
        assertEquals(List.of(1, 1), c.get("strides"));
        assertEquals("valid", c.get("padding"));
        assertEquals("channels_last", c.get("data_format"));
        assertEquals(List.of(1, 1), c.get("dilation_rate"));
        assertEquals("relu", c.get("activation"));
        assertEquals(true, c.get("use_bias"));
        assertEquals("glorot_uniform", c.get("kernel_initializer"));
        assertEquals("zeros", c.get("bias_initializer"));
        Map<String, Object> p = new MaxPooling2D(2).getConfig();
        assertEquals(List.of(2, 2), p.get("pool_size"));
        assertEquals(List.of(2, 2), p.get("strides"), "strides default to the pool size");
    }

    @Test
    void everyLayerRebuildsFromItsConfig() {
        List<Layer> layers = List.of(
                Conv2D.builder(4, 3).kernelSize(3, 2).strides(2, 1).padding("same").useBias(false).activation("tanh").build(),
                Conv2D.builder(4, 3).dilationRate(2).build(),
                Conv1D.builder(5, 2).padding("same").dilationRate(2).build(),
                new MaxPooling2D(new int[]{3, 2}, new int[]{1, 2}, "same"), new AveragePooling2D(2), new MaxPooling1D(3, 1, "valid"),
                new GlobalAveragePooling1D(), new GlobalAveragePooling2D(), new GlobalMaxPooling2D(), new ZeroPadding2D(1, 2, 0, 3));
        for (Layer layer : layers) {
            Layer copy = LayerRegistry.fromConfig(LayerRegistry.classNameOf(layer), layer.getConfig());
            assertEquals(layer.getClass(), copy.getClass());
            assertEquals(layer.getConfig(), copy.getConfig(), layer.name());
        }
        assertEquals("Conv2D", LayerRegistry.classNameOf(layers.get(0)));
    }

    @Test
    void kerasStyleConfigsWithIntsAndMissingKeysUseKerasDefaults() {
        Conv2D c = Conv2D.fromConfig(Map.of("name", "c", "filters", 8, "kernel_size", 5));
        assertEquals(List.of(5, 5), c.getConfig().get("kernel_size"));
        assertEquals("valid", c.getConfig().get("padding"));
        ZeroPadding2D z = ZeroPadding2D.fromConfig(Map.of("name", "z", "padding", List.of(1, 2)));
        assertEquals(List.of(List.of(1, 1), List.of(2, 2)), z.getConfig().get("padding"));
    }

    @Test
    void badArgumentsGiveKerasStyleMessages() {
        IllegalArgumentException pad = assertThrows(IllegalArgumentException.class,
                () -> Conv2D.builder(4, 3).padding("full").build());
        assertTrue(pad.getMessage().contains("expected one of [valid, same], received \"full\""), pad.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> Conv2D.builder(4, 3).strides(2).dilationRate(2).build());
        assertTrue(both.getMessage().contains("cannot both be above 1"), both.getMessage());
        IllegalArgumentException format = assertThrows(IllegalArgumentException.class,
                () -> Conv2D.fromConfig(Map.of("filters", 2, "kernel_size", 3, "data_format", "channels_first")));
        assertTrue(format.getMessage().contains("channels_last"), format.getMessage());
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                () -> new Sequential(List.of(new Conv2D(2, 5))).build(3, 3, 1));
        assertTrue(tooSmall.getMessage().contains("does not fit inputs of spatial size [3, 3]"), tooSmall.getMessage());
    }

    @Test
    void modelWithEveryLayerSavesAndLoadsWithSamePredictions(@TempDir Path dir) throws Exception {
        Sequential model = new Sequential(List.of(new ZeroPadding2D(1), Conv2D.builder(3, 3).padding("same").activation("relu").build(),
                new AveragePooling2D(2), new MaxPooling2D(2, 1, "same"), new Conv2D(4, 2), new GlobalMaxPooling2D(),
                new Reshape(4, 1), new Conv1D(2, 1), new MaxPooling1D(2), new GlobalAveragePooling1D(), new Dense(3, "softmax")))
                .setSeed(9);
        model.compile("adam", "sparse_categorical_crossentropy");
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 9, 8, 2);
        model.fit(x, Nd4j.createFromArray(0, 1, 2, 0, 1, 2), 1, 3);
        Path file = dir.resolve("all.orrery");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        assertEquals(model.parameters(), loaded.parameters());
        assertEquals(model.predict(x), loaded.predict(x));
        assertArrayEquals(new long[]{-1, 3}, loaded.outputShape());
    }
}
