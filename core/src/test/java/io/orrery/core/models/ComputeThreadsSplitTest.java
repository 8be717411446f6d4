package io.orrery.core.models;

import io.orrery.core.layers.AveragePooling2D;
import io.orrery.core.layers.Conv2D;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.Flatten;
import io.orrery.core.layers.Layer;
import io.orrery.core.layers.MaxPooling2D;
import io.orrery.core.losses.SparseCategoricalCrossentropy;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused layers split a batch (convolution, pooling) or a product's columns (Dense) over {@link ComputeThreads}:
 * the split must compute what one thread computes, for every part count (including uneven parts), for a batch size
 * below the one the buffers were sized for (an epoch's last batch) and above it (they grow), in float64 (to
 * rounding) and float32 (where the host loops run).
 */
class ComputeThreadsSplitTest {

    private int blasThreads;
    private int computeThreads;

    @BeforeEach
    void oneBlasThread() {
        blasThreads = Nd4j.factory().blas().getMaxThreads();
        computeThreads = ComputeThreads.threads();
        Nd4j.factory().blas().setMaxThreads(1); // the layers split only when BLAS keeps to one thread
    }

    @AfterEach
    void restore() {
        Nd4j.factory().blas().setMaxThreads(blasThreads);
        ComputeThreads.setThreads(computeThreads);
        Backend.setFloatx(DataType.FLOAT);
    }

    /** Large enough that every layer's work passes the split threshold at batch 24. */
    private static Sequential model(DataType type, boolean average) {
        Backend.setFloatx(type);
        Layer pool = average ? new AveragePooling2D(2) : new MaxPooling2D(2);
        Sequential m = new Sequential(List.of(new Conv2D(16, 3, "relu"), pool, new Conv2D(32, 3, "tanh"),
                new Flatten(), new Dense(256, "relu"), new Dense(10, "softmax"))).setSeed(5);
        m.compile(new SGD(0.1), new SparseCategoricalCrossentropy());
        m.build(16, 16, 1);
        return m;
    }

    private static INDArray[] batch(int n, DataType type, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.DOUBLE, n, 16, 16, 1).castTo(type);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (i * 7) % 10;
        }
        return new INDArray[]{x, Nd4j.createFromArray(labels)};
    }

    /** Gradients and loss of each batch in turn, with the given thread count, on one model (buffers carried over). */
    private static INDArray[] gradients(DataType type, boolean average, int threads, int... batchSizes) {
        ComputeThreads.setThreads(threads);
        Sequential m = model(type, average);
        INDArray[] out = new INDArray[batchSizes.length * 2];
        for (int i = 0; i < batchSizes.length; i++) {
            INDArray[] b = batch(batchSizes[i], type, 100 + i);
            double loss = m.computeGradients(b[0], b[1]);
            out[2 * i] = m.gradients().dup();
            out[2 * i + 1] = Nd4j.scalar(loss);
        }
        return out;
    }

    private static void assertSplitEqualsOneThread(DataType type, boolean average, double tolerance) {
        int[] sizes = {24, 7, 31, 24};
        INDArray[] one = gradients(type, average, 1, sizes);
        assertTrue(one[0].norm2Number().doubleValue() > 1e-3, "gradients are not trivially zero");
        for (int threads : new int[]{2, 3}) {
            INDArray[] split = gradients(type, average, threads, sizes);
            for (int i = 0; i < one.length; i++) {
                assertClose(one[i], split[i], tolerance, (i % 2 == 0 ? "gradients" : "loss") + " of batch "
                        + sizes[i / 2] + " with " + threads + " threads");
            }
        }
    }

    @Test
    void splitBatchesComputeWhatOneThreadComputesInFloat64() {
        assertSplitEqualsOneThread(DataType.DOUBLE, false, 1e-12);
        assertSplitEqualsOneThread(DataType.DOUBLE, true, 1e-12);
    }

    @Test
    void splitBatchesComputeWhatOneThreadComputesInFloat32() {
        assertSplitEqualsOneThread(DataType.FLOAT, false, 1e-5);
    }

    @Test
    void splitRunsEveryPartAndRethrowsAFailure() {
        int[] seen = new int[5];
        ComputeThreads.run(5, p -> seen[p]++);
        assertEquals(List.of(1, 1, 1, 1, 1), java.util.Arrays.stream(seen).boxed().toList());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ComputeThreads.run(3, p -> {
            if (p == 2) {
                throw new IllegalStateException("part 2 failed");
            }
        }));
        assertEquals("part 2 failed", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ComputeThreads.setThreads(0));
    }

    @Test
    void noSplitWhenBlasRunsItsOwnPoolOrOneThreadIsSet() {
        ComputeThreads.setThreads(2);
        assertEquals(2, ComputeThreads.parts(10_000_000, 64));
        assertEquals(1, ComputeThreads.parts(1_000, 64), "too little work to hand off");
        Nd4j.factory().blas().setMaxThreads(2);
        assertEquals(1, ComputeThreads.parts(10_000_000, 64), "BLAS has its own pool");
        Nd4j.factory().blas().setMaxThreads(1);
        ComputeThreads.setThreads(1);
        assertEquals(1, ComputeThreads.parts(10_000_000, 64));
    }
}
