package io.orrery.core.optimizers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour every optimizer shares: shard independence, state save/restore, config round trip. */
class OptimizerContractTest {

    static List<Optimizer> optimizers() {
        return List.of(
                new SGD(),
                new SGD(0.05, 0.9, false),
                new SGD(new ExponentialDecay(0.1, 2, 0.5), 0.7, true),
                new RMSprop(),
                RMSprop.builder().momentum(0.9).centered(true).build(),
                new Adam(),
                Adam.builder().amsgrad(true).beta2(0.6).learningRate(new CosineDecay(0.01, 5, 0.1, 0.02, 2)).build(),
                new Adagrad(),
                new Adadelta(new LinearWarmup(new ConstantLearningRate(1.0), 2), 0.9, 1e-6));
    }

    private static INDArray randomVector(Random random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextGaussian();
        }
        return Nd4j.createFromArray(values);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void twoHalvesWithTwoStatesEqualTheWhole(Optimizer optimizer) {
        int n = 1037;
        int split = 333;  // deliberately unaligned, as shard boundaries can be
        Random random = new Random(42);
        INDArray whole = randomVector(random, n);
        INDArray sharded = whole.dup();
        OptimizerState wholeState = optimizer.newState(n, DataType.DOUBLE);
        OptimizerState first = optimizer.newState(split, DataType.DOUBLE);
        OptimizerState second = optimizer.newState(n - split, DataType.DOUBLE);
        INDArray firstParams = sharded.get(NDArrayIndex.interval(0, split));
        INDArray secondParams = sharded.get(NDArrayIndex.interval(split, n));
        for (int step = 0; step < 4; step++) {
            INDArray grads = randomVector(random, n);
            optimizer.apply(whole, grads, wholeState);
            optimizer.apply(firstParams, grads.get(NDArrayIndex.interval(0, split)), first);
            optimizer.apply(secondParams, grads.get(NDArrayIndex.interval(split, n)), second);
        }
        assertArrayEquals(whole.toDoubleVector(), sharded.toDoubleVector());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void float32ShardsEqualTheWholeBitForBit(Optimizer optimizer) {
        // the parameter server's case: float32 slices of one flat buffer, one state per shard
        int n = 3 * 4096 + 77;
        int[] bounds = {0, 5000, 5001, 9999, n};
        Nd4j.getRandom().setSeed(8);
        INDArray whole = Nd4j.randn(DataType.FLOAT, n);
        INDArray sharded = whole.dup();
        OptimizerState wholeState = optimizer.newState(n, DataType.FLOAT);
        OptimizerState[] states = new OptimizerState[bounds.length - 1];
        for (int s = 0; s < states.length; s++) {
            states[s] = optimizer.newState(bounds[s + 1] - bounds[s], DataType.FLOAT);
        }
        for (int step = 0; step < 3; step++) {
            INDArray grads = Nd4j.randn(DataType.FLOAT, n);
            optimizer.apply(whole, grads, wholeState);
            for (int s = 0; s < states.length; s++) {
                optimizer.apply(sharded.get(NDArrayIndex.interval(bounds[s], bounds[s + 1])),
                        grads.get(NDArrayIndex.interval(bounds[s], bounds[s + 1])), states[s]);
            }
        }
        assertArrayEquals(whole.toFloatVector(), sharded.toFloatVector());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void savedAndRestoredStateContinuesIdentically(Optimizer optimizer) throws IOException {
        int n = 11;
        Random random = new Random(7);
        INDArray params = randomVector(random, n);
        OptimizerState state = optimizer.newState(n, DataType.DOUBLE);
        INDArray[] grads = {randomVector(random, n), randomVector(random, n), randomVector(random, n)};
        optimizer.apply(params, grads[0], state);
        optimizer.apply(params, grads[1], state);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        state.writeTo(new DataOutputStream(bytes));
        OptimizerState restored = OptimizerState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
                DataType.DOUBLE);
        assertEquals(2, restored.iterations());
        INDArray restoredParams = params.dup();

        optimizer.apply(params, grads[2], state);
        optimizer.apply(restoredParams, grads[2], restored);
        assertArrayEquals(params.toDoubleVector(), restoredParams.toDoubleVector());
        for (int s = 0; s < state.slots().length; s++) {
            assertArrayEquals(state.slots()[s].toDoubleVector(), restored.slots()[s].toDoubleVector(), "slot " + s);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void configRoundTripGivesAnEqualOptimizer(Optimizer optimizer) {
        Optimizer rebuilt = Optimizers.fromConfig(optimizer.getConfig());
        assertEquals(optimizer.getClass(), rebuilt.getClass());
        assertEquals(optimizer.getConfig(), rebuilt.getConfig());
        for (long t = 0; t < 6; t++) {
            assertEquals(optimizer.learningRate(t), rebuilt.learningRate(t), "learning rate at " + t);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void float32SlicesFollowTheFloat64Result(Optimizer optimizer) {
        int n = 1000;
        Random random = new Random(3);
        INDArray params64 = randomVector(random, n);
        INDArray params32 = params64.castTo(DataType.FLOAT);
        OptimizerState state64 = optimizer.newState(n, DataType.DOUBLE);
        OptimizerState state32 = optimizer.newState(n, DataType.FLOAT);
        for (int step = 0; step < 3; step++) {
            INDArray grads = randomVector(random, n);
            optimizer.apply(params64, grads, state64);
            optimizer.apply(params32, grads.castTo(DataType.FLOAT), state32);
        }
        assertEquals(DataType.FLOAT, params32.dataType());
        double maxError = params64.sub(params32.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(maxError < 1e-5, "float32 drifted from float64 by " + maxError);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void mismatchedLengthsAreRefused(Optimizer optimizer) {
        OptimizerState state = optimizer.newState(5, DataType.DOUBLE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> optimizer.apply(Nd4j.zeros(DataType.DOUBLE, 5), Nd4j.zeros(DataType.DOUBLE, 4), state));
        assertTrue(e.getMessage().contains("grads=4"), e.getMessage());
        assertEquals(0, state.iterations());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void mismatchedDataTypesAreRefused(Optimizer optimizer) {
        OptimizerState state = optimizer.newState(5, DataType.DOUBLE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> optimizer.apply(Nd4j.zeros(DataType.DOUBLE, 5), Nd4j.zeros(DataType.FLOAT, 5), state));
        assertTrue(e.getMessage().contains("grads=FLOAT"), e.getMessage());
        if (optimizer.slotCount() > 0) {
            assertThrows(IllegalArgumentException.class,
                    () -> optimizer.apply(Nd4j.zeros(DataType.FLOAT, 5), Nd4j.zeros(DataType.FLOAT, 5), state));
        }
    }

    @Test
    void stateOfAnotherConfigurationIsRefused() {
        OptimizerState plain = new RMSprop().newState(5, DataType.DOUBLE);
        RMSprop withMomentum = RMSprop.builder().momentum(0.9).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withMomentum.apply(Nd4j.zeros(DataType.DOUBLE, 5), Nd4j.zeros(DataType.DOUBLE, 5), plain));
        assertTrue(e.getMessage().contains("2 slots"), e.getMessage());
    }
}
