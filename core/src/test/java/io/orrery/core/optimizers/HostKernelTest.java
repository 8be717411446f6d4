package io.orrery.core.optimizers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused float32 host loops compute what the ND4J-op paths compute, on unaligned views spanning several blocks. */
class HostKernelTest {

    private static final int N = 3 * HostBuffers.BLOCK + 123;

    @Test
    void hostLoopIsUsedForFloat32OnTheCpuBackend() {
        INDArray f = Nd4j.zeros(DataType.FLOAT, 10);
        assertTrue(HostBuffers.usable(f, f.get(NDArrayIndex.interval(3, 7))));
        assertFalse(HostBuffers.usable(Nd4j.zeros(DataType.DOUBLE, 10)));
        assertFalse(HostBuffers.usable(Nd4j.zeros(DataType.FLOAT, 4, 4).getColumn(1)));  // strided
    }

    @Test
    void theBaseClassRunsTheHostLoopOnlyForHostFloat32AndOptimizersThatHaveOne() {
        Adam adam = new Adam();
        INDArray f = Nd4j.ones(DataType.FLOAT, 10);
        INDArray d = Nd4j.ones(DataType.DOUBLE, 10);
        INDArray[] floatSlots = adam.newState(10, DataType.FLOAT).slots();
        INDArray[] doubleSlots = adam.newState(10, DataType.DOUBLE).slots();

        assertTrue(adam.hostStep(f, f.dup(), floatSlots, 0.1f));
        assertFalse(adam.hostStep(d, d.dup(), doubleSlots, 0.1f));
        assertEquals(1.0, d.getDouble(0), 0.0, "a refused host step leaves the parameters alone");
        assertFalse(new SGD().hostStep(f, f.dup(), new INDArray[0], 0.1f), "SGD writes its formula once, as ND4J ops");
    }

    /** One optimizer's two paths on the same inputs. */
    private interface Paths {
        void host(INDArray params, INDArray grads, INDArray[] slots);

        void nd4j(INDArray params, INDArray grads, INDArray[] slots, INDArray scratch);
    }

    @Test
    void rmspropHostLoopMatchesNd4jOpsForEveryVariant() {
        for (RMSprop optimizer : List.of(new RMSprop(),
                RMSprop.builder().momentum(0.9).build(),
                RMSprop.builder().centered(true).build(),
                RMSprop.builder().centered(true).momentum(0.5).rho(0.8).build())) {
            compare(optimizer, new Paths() {
                public void host(INDArray params, INDArray grads, INDArray[] slots) {
                    optimizer.hostStep(params, grads, slots, 0.01f);
                }

                public void nd4j(INDArray params, INDArray grads, INDArray[] slots, INDArray scratch) {
                    optimizer.ndStep(params, grads, slots, new INDArray[]{scratch}, 0.01f);
                }
            });
        }
    }

    @Test
    void adamHostLoopMatchesNd4jOpsForEveryVariant() {
        for (Adam optimizer : List.of(new Adam(), Adam.builder().amsgrad(true).beta2(0.5).build())) {
            compare(optimizer, new Paths() {
                public void host(INDArray params, INDArray grads, INDArray[] slots) {
                    optimizer.hostStep(params, grads, slots, 0.003f);
                }

                public void nd4j(INDArray params, INDArray grads, INDArray[] slots, INDArray scratch) {
                    optimizer.ndStep(params, grads, slots, new INDArray[]{scratch}, 0.003f);
                }
            });
        }
    }

    @Test
    void adagradAndAdadeltaHostLoopsMatchNd4jOps() {
        Adagrad adagrad = new Adagrad();
        compare(adagrad, new Paths() {
            public void host(INDArray params, INDArray grads, INDArray[] slots) {
                adagrad.hostStep(params, grads, slots, 0.01f);
            }

            public void nd4j(INDArray params, INDArray grads, INDArray[] slots, INDArray scratch) {
                adagrad.ndStep(params, grads, slots, new INDArray[]{scratch}, 0.01f);
            }
        });
        Adadelta adadelta = new Adadelta(new ConstantLearningRate(1.0), 0.9, 1e-6);
        compare(adadelta, new Paths() {
            public void host(INDArray params, INDArray grads, INDArray[] slots) {
                adadelta.hostStep(params, grads, slots, 1.0f);
            }

            public void nd4j(INDArray params, INDArray grads, INDArray[] slots, INDArray scratch) {
                adadelta.ndStep(params, grads, slots, new INDArray[]{scratch, scratch.dup()}, 1.0f);
            }
        });
    }

    private static void compare(Optimizer optimizer, Paths paths) {
        Nd4j.getRandom().setSeed(11);
        // views at an odd offset inside larger buffers, as a parameter-server shard sees them
        INDArray bigParams = Nd4j.rand(DataType.FLOAT, N + 50).subi(0.5);
        INDArray hostParams = bigParams.get(NDArrayIndex.interval(17, 17 + N));
        INDArray ndParams = hostParams.dup();
        float before = bigParams.getFloat(16);
        float after = bigParams.getFloat(17 + N);
        OptimizerState hostState = optimizer.newState(N, DataType.FLOAT);
        OptimizerState ndState = optimizer.newState(N, DataType.FLOAT);
        INDArray scratch = Nd4j.zeros(DataType.FLOAT, N);
        for (int step = 0; step < 3; step++) {
            INDArray bigGrads = Nd4j.randn(DataType.FLOAT, N + 9).muli(0.1);
            INDArray grads = bigGrads.get(NDArrayIndex.interval(9, 9 + N));
            paths.host(hostParams, grads, hostState.slots());
            paths.nd4j(ndParams, grads, ndState.slots(), scratch);
        }
        double maxDiff = hostParams.sub(ndParams).amaxNumber().doubleValue();
        assertTrue(maxDiff < 1e-6, optimizer.getConfig() + ": host and ND4J paths differ by " + maxDiff);
        for (int s = 0; s < hostState.slots().length; s++) {
            double slotDiff = hostState.slots()[s].sub(ndState.slots()[s]).amaxNumber().doubleValue();
            assertTrue(slotDiff < 1e-6, optimizer.getConfig() + ": slot " + s + " differs by " + slotDiff);
        }
        // the buffer outside the view is untouched
        assertEquals(before, bigParams.getFloat(16));
        assertEquals(after, bigParams.getFloat(17 + N));
    }

    @Test
    void hostLoopFollowsKerasFloat32Arithmetic() {
        INDArray w = Nd4j.createFromArray(0.5f, -1.25f, 2.0f);
        INDArray g = Nd4j.createFromArray(0.1f, -0.2f, 1e-4f);
        RMSprop rmsprop = new RMSprop();
        OptimizerState state = rmsprop.newState(3, DataType.FLOAT);
        rmsprop.apply(w, g, state);
        for (int i = 0; i < 3; i++) {
            float gi = g.getFloat(i);
            float v = 0.9f * 0f + 0.1f * (gi * gi);
            float expected = new float[]{0.5f, -1.25f, 2.0f}[i] - (0.001f * gi) / (float) Math.sqrt(v + 1e-7f);
            assertEquals(expected, w.getFloat(i), "element " + i);
        }
    }
}
