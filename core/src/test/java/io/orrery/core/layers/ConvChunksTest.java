package io.orrery.core.layers;

import io.orrery.core.losses.SparseCategoricalCrossentropy;
import io.orrery.core.models.Sequential;
import io.orrery.core.optimizers.SGD;
import io.orrery.core.tensor.Backend;
import io.orrery.core.tensor.ComputeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static io.orrery.core.layers.FiniteDifferences.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The convolution's fused path gathers patches a chunk of samples at a time and sums the kernel gradient over the
 * chunks: one sample per chunk computes what one chunk per thread part computes, on one thread and split over
 * threads, for a batch smaller than the buffers and one that grows them.
 */
class ConvChunksTest {

    private int blasThreads;
    private int computeThreads;
    private int chunkBytes;

    @BeforeEach
    void oneBlasThread() {
        blasThreads = Nd4j.factory().blas().getMaxThreads();
        computeThreads = ComputeThreads.threads();
        chunkBytes = ConvWorkspace.setChunkBytes(1 << 30);
        Nd4j.factory().blas().setMaxThreads(1); // the layers split only when BLAS keeps to one thread
    }

    @AfterEach
    void restore() {
        Nd4j.factory().blas().setMaxThreads(blasThreads);
        ComputeThreads.setThreads(computeThreads);
        ConvWorkspace.setChunkBytes(chunkBytes);
        Backend.setFloatx(DataType.FLOAT);
    }

    /** Large enough that the convolutions split at batch 12; "same" padding and a stride for uneven patches. */
    private static Sequential model(DataType type) {
        Backend.setFloatx(type);
        Sequential m = new Sequential(List.of(
                Conv2D.builder(8, 3).activation("relu").biasInitializer("random_uniform").build(), new MaxPooling2D(2),
                Conv2D.builder(6, 3).padding("same").strides(2).activation("tanh").build(),
                Conv2D.builder(5, 2).useBias(false).build(), new Flatten(), new Dense(4, "softmax"))).setSeed(3);
        m.compile(new SGD(0.1), new SparseCategoricalCrossentropy());
        m.build(20, 18, 3);
        return m;
    }

    /** Gradients, loss and predictions of batches of 12, 5 and 17 in turn on one model. */
    private static INDArray[] run(DataType type, int chunkBytes, int threads) {
        ConvWorkspace.setChunkBytes(chunkBytes);
        ComputeThreads.setThreads(threads);
        Sequential m = model(type);
        int[] sizes = {12, 5, 17};
        INDArray[] out = new INDArray[sizes.length * 3];
        for (int i = 0; i < sizes.length; i++) {
            Nd4j.getRandom().setSeed(40 + i);
            INDArray x = Nd4j.rand(DataType.DOUBLE, sizes[i], 20, 18, 3).subi(0.5).castTo(type);
            int[] labels = new int[sizes[i]];
            for (int j = 0; j < labels.length; j++) {
                labels[j] = (j * 3) % 4;
            }
            double loss = m.computeGradients(x, Nd4j.createFromArray(labels));
            out[3 * i] = m.gradients().dup();
            out[3 * i + 1] = Nd4j.scalar(loss);
            out[3 * i + 2] = m.predict(x).dup();
        }
        return out;
    }

    private static void assertChunksChangeNothing(DataType type, double tolerance) {
        INDArray[] whole = run(type, 1 << 30, 1);
        assertTrue(whole[0].norm2Number().doubleValue() > 1e-3, "gradients are not trivially zero");
        for (int threads : new int[]{1, 2}) {
            INDArray[] chunked = run(type, 1, threads);
            assertEquals(whole.length, chunked.length);
            for (int i = 0; i < whole.length; i++) {
                assertClose(whole[i], chunked[i], tolerance, "result " + i + " with one sample per chunk, " + threads
                        + " thread(s)");
            }
        }
    }

    @Test
    void oneSamplePerChunkComputesWhatOneChunkComputesInFloat64() {
        assertChunksChangeNothing(DataType.DOUBLE, 1e-12);
    }

    @Test
    void oneSamplePerChunkComputesWhatOneChunkComputesInFloat32() {
        assertChunksChangeNothing(DataType.FLOAT, 1e-5);
    }
}
