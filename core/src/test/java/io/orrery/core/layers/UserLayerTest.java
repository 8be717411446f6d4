package io.orrery.core.layers;

import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.Sequential;
import io.orrery.core.tensor.Backend;
import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.orrery.core.layers.FiniteDifferences.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user-defined layer (Keras's SimpleDense example) in a Sequential: tape training, exact gradients, model files. */
class UserLayerTest {

    @AfterEach
    void float32() {
        Backend.setFloatx(DataType.FLOAT);
    }

    /** A user layer without {@code fromConfig}: its models save, but cannot be loaded. */
    static final class NoFactoryLayer extends Layer {
        @Override
        public Tensor call(Tensor inputs) {
            return Ops.tanh(inputs);
        }
    }

    @Test
    void gradientsThroughTheTapeMatchFiniteDifferences() {
        Backend.setFloatx(DataType.DOUBLE);
        Sequential model = new Sequential(List.of(new SimpleDense(5, "relu"), new SimpleDense(3, "softmax"))).setSeed(4);
        model.compile("sgd", "sparse_categorical_crossentropy");
        Nd4j.getRandom().setSeed(6);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 4).subi(0.5);
        INDArray y = Nd4j.createFromArray(0, 1, 2, 2, 1, 0);
        // random_normal (stddev 0.05) weights are small: spread them so relu units are active and classes differ
        model.build(4);
        model.parameters().muli(20);
        double loss = model.computeGradients(x, y);
        INDArray analytic = model.gradients().dup();
        INDArray numeric = FiniteDifferences.gradient(() -> model.loss().call(new Tensor(y), model.call(new Tensor(x), true)).item(),
                model.parameters());
        assertClose(numeric, analytic, 1e-6, "SimpleDense model d loss / d parameters");
        assertTrue(analytic.norm2Number().doubleValue() > 1e-3);
        assertEquals(model.loss().call(new Tensor(y), model.call(new Tensor(x), false)).item(), loss, 1e-12);
    }

    @Test
    void aUserLayerAloneMatchesFiniteDifferencesForWeightsAndInputs() {
        Backend.setFloatx(DataType.DOUBLE);
        SimpleDense layer = new SimpleDense(3, "tanh");
        new Sequential(List.of(layer)).setSeed(2).build(4);
        List<Variable> weights = layer.weights();
        weights.get(1).assign(Nd4j.createFromArray(0.1, -0.2, 0.3));
        Nd4j.getRandom().setSeed(3);
        Variable x = new Variable(Nd4j.rand(DataType.DOUBLE, 5, 4), "x", true);
        io.orrery.core.tensor.GradCheck.check(v -> layer.apply(v.get(0)), x.array());
        java.util.function.DoubleSupplier f = () -> layer.apply(x).array().sumNumber().doubleValue();
        List<Tensor> grads;
        try (io.orrery.core.autodiff.GradientTape tape = new io.orrery.core.autodiff.GradientTape()) {
            grads = tape.gradient(Ops.sum(layer.apply(x)), weights);
        }
        for (int i = 0; i < weights.size(); i++) {
            assertClose(FiniteDifferences.gradient(f, weights.get(i).array()), grads.get(i).array(), 1e-6, weights.get(i).name());
        }
    }

    @Test
    void trainsOnMnistThroughTheTapeAndRoundTripsThroughAModelFile(@TempDir Path dir) throws IOException {
        TrainTestSplit mnist = Mnist.load();
        INDArray x = mnist.train().samples(0, 2000).images().reshape(2000, 784).divi(255);
        INDArray y = mnist.train().samples(0, 2000).labels();
        INDArray xTest = mnist.test().samples(0, 500).images().reshape(500, 784).divi(255);
        INDArray yTest = mnist.test().samples(0, 500).labels();

        long start = System.nanoTime();
        Sequential model = new Sequential(List.of(new SimpleDense(64, "relu"), new SimpleDense(10, "softmax"))).setSeed(1);
        // a larger step than Keras's default 0.001 keeps the tape path's step count (and this test) small
        model.compile(new io.orrery.core.optimizers.RMSprop(0.003), io.orrery.core.losses.Losses.get("sparse_categorical_crossentropy"), "accuracy");
        var history = model.fit(x, y, FitOptions.defaults().epochs(3).batchSize(50).seed(2).verbose(0));
        long fitMs = (System.nanoTime() - start) / 1_000_000;
        List<Double> losses = history.get("loss");
        assertTrue(losses.get(2) < losses.get(0), "loss falls: " + losses);
        double accuracy = model.evaluate(xTest, yTest).get("accuracy");
        System.out.printf("SimpleDense model: 3 epochs on 2,000 MNIST samples through the tape in %d ms, test accuracy %.3f%n",
                fitMs, accuracy);
        assertTrue(accuracy >= 0.85, "test accuracy after 3 epochs of batch 50 on 2,000 samples: " + accuracy);

        Path file = dir.resolve("simple-dense.orrery");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        assertInstanceOf(SimpleDense.class, loaded.layers().get(0));
        assertEquals(model.layers().get(1).name(), loaded.layers().get(1).name());
        INDArray expected = model.predict(xTest);
        INDArray actual = loaded.predict(xTest);
        assertArrayEquals(expected.reshape(expected.length()).toFloatVector(), actual.reshape(actual.length()).toFloatVector(),
                "bit-for-bit predictions");
        assertEquals(model.optimizerState().iterations(), loaded.optimizerState().iterations());
    }

    @Test
    void aUserLayerWithoutFromConfigSavesButLoadingSaysWhatToAdd(@TempDir Path dir) throws IOException {
        Sequential model = new Sequential(List.of(new NoFactoryLayer(), new Dense(2))).build(3);
        Path file = dir.resolve("m.orrery");
        model.save(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sequential.load(file));
        assertTrue(e.getMessage().contains(NoFactoryLayer.class.getName()) && e.getMessage().contains("fromConfig"), e.getMessage());
    }

    @Test
    void configRoundTripsThroughJson() {
        Sequential model = new Sequential(List.of(new SimpleDense(7, null), new Dense(3, "softmax"))).setSeed(9).build(5);
        Sequential again = Sequential.fromJson(model.toJson());
        assertEquals(Map.of("name", model.layers().get(0).name(), "units", 7), withoutNulls(again.layers().get(0).getConfig()));
        assertEquals(model.countParams(), again.countParams());
        assertArrayEquals(model.parameters().toFloatVector(), again.parameters().toFloatVector(), "same seed, same initial weights");
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> m) {
        Map<String, Object> out = new java.util.HashMap<>(m);
        out.values().removeIf(java.util.Objects::isNull);
        return out;
    }
}
