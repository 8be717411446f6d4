package io.orrery.core.optimizers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RangedStepTest {

    private static INDArray random(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Nd4j.createFromArray(v);
    }

    @Test
    void rangeByRangeEqualsOneApplyBitForBit() {
        int n = 10_000;
        // uneven ranges covering the vector, as a shard's chunks do (the last one short)
        int[] offsets = {0, 4096, 8192};
        int[] lengths = {4096, 4096, n - 8192};
        List<Optimizer> optimizers = List.of(new SGD(0.01), new SGD(0.01, 0.9, true), new RMSprop(), Optimizers.get("adam"),
                Optimizers.get("adagrad"), Optimizers.get("adadelta"));
        for (Optimizer optimizer : optimizers) {
            Random random = new Random(11);
            INDArray whole = random(random, n);
            INDArray ranged = whole.dup();
            OptimizerState wholeState = optimizer.newState(n, DataType.FLOAT);
            OptimizerState rangedState = optimizer.newState(n, DataType.FLOAT);
            INDArray grads = Nd4j.create(DataType.FLOAT, n);
            RangedStep step = new RangedStep(optimizer, ranged, grads, rangedState, offsets, lengths);
            for (int t = 0; t < 3; t++) {
                grads.assign(random(random, n));
                optimizer.apply(whole, grads, wholeState);
                for (int r = step.ranges() - 1; r >= 0; r--) {   // any order
                    step.apply(r);
                }
                step.finish();
            }
            assertArrayEquals(whole.toFloatVector(), ranged.toFloatVector(), 0f, optimizer.name());
            assertEquals(wholeState.iterations(), rangedState.iterations(), optimizer.name());
            for (int k = 0; k < wholeState.slots().length; k++) {
                assertArrayEquals(wholeState.slots()[k].toFloatVector(), rangedState.slots()[k].toFloatVector(), 0f,
                        optimizer.name() + " slot " + k);
            }
        }
    }

    @Test
    void rejectsRangesOutsideTheVector() {
        Optimizer sgd = new SGD(0.1);
        INDArray p = Nd4j.create(DataType.FLOAT, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RangedStep(sgd, p,
                p.dup(), sgd.newState(10, DataType.FLOAT), new int[]{8}, new int[]{4}));
        assertEquals("range 0 [8, 12) is not within the 10 parameters", e.getMessage());
    }
}
