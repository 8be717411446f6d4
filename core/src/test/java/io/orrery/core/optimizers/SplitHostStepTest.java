package io.orrery.core.optimizers;

import io.orrery.core.tensor.ComputeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A host step split over the compute threads gives the same bits as one thread, on a view with a ragged last block. */
class SplitHostStepTest {

    private static final int N = 37 * HostBuffers.BLOCK + 321;
    private int blasThreads;
    private int computeThreads;

    @BeforeEach
    void oneBlasThread() {
        blasThreads = Nd4j.factory().blas().getMaxThreads();
        computeThreads = ComputeThreads.threads();
        Nd4j.factory().blas().setMaxThreads(1); // the split runs only when BLAS keeps to one thread
    }

    @AfterEach
    void restore() {
        Nd4j.factory().blas().setMaxThreads(blasThreads);
        ComputeThreads.setThreads(computeThreads);
    }

    private static INDArray[] stepTwice(Optimizer optimizer, int threads) {
        ComputeThreads.setThreads(threads);
        Nd4j.getRandom().setSeed(8);
        INDArray params = Nd4j.rand(DataType.FLOAT, N + 5).get(NDArrayIndex.interval(5, N + 5));
        INDArray grads = Nd4j.rand(DataType.FLOAT, N).subi(0.5f);
        INDArray[] slots = optimizer.newState(N, DataType.FLOAT).slots();
        optimizer.hostStep(params, grads, slots, 0.01f);
        optimizer.hostStep(params, grads.muli(-0.7f), slots, 0.01f);
        INDArray[] out = new INDArray[slots.length + 1];
        out[0] = params.dup();
        for (int i = 0; i < slots.length; i++) {
            out[i + 1] = slots[i].dup();
        }
        return out;
    }

    @Test
    void splitStepEqualsOneThreadBitForBit() {
        for (Optimizer optimizer : new Optimizer[]{new RMSprop(), new Adam(), new RMSprop(new ConstantLearningRate(0.001), 0.9, 0.5, 1e-7, true)}) {
            INDArray[] one = stepTwice(optimizer, 1);
            INDArray[] two = stepTwice(optimizer, 2);
            INDArray[] three = stepTwice(optimizer, 3);
            for (int i = 0; i < one.length; i++) {
                assertEquals(one[i], two[i], optimizer.name() + " array " + i + ", 2 threads");
                assertEquals(one[i], three[i], optimizer.name() + " array " + i + ", 3 threads");
            }
        }
    }
}
