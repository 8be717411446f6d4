package io.orrery.core.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The few in-place vector primitives the ND4J-op form of the update formulas is written in (the path for CUDA,
 * float64 and strided views; float32 on the CPU backend uses the fused loops of {@link HostBuffers}). Each is one
 * native pass that writes into an existing buffer, so a step allocates no vectors.
 */
final class VectorOps {

    private VectorOps() {
    }

    /**
     * {@code y += a * x}, one pass, no temporary. libnd4j's elementwise op rather than BLAS axpy: OpenBLAS rounds the
     * tail of a vector differently from its body, so a shard's result would depend on where the shard starts.
     */
    static void axpy(double a, INDArray x, INDArray y) {
        Nd4j.exec(new Axpy(x, y, y, a));
    }

    /** {@code z = x * x}. */
    static void square(INDArray x, INDArray z) {
        x.muli(x, z);
    }

    /** {@code z = sqrt(x)}. */
    static void sqrt(INDArray x, INDArray z) {
        Nd4j.exec(new Sqrt(x, z));
    }

    /** {@code x = sqrt(x)}. */
    static void sqrtInPlace(INDArray x) {
        Nd4j.exec(new Sqrt(x, x));
    }

    /** {@code y = rho * y + (1 - rho) * x}: the exponential moving average every adaptive optimizer keeps. */
    static void movingAverage(INDArray y, double rho, INDArray x) {
        y.muli(rho);
        axpy(1 - rho, x, y);
    }
}
