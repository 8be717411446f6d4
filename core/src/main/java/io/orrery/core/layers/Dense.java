package io.orrery.core.layers;

import io.orrery.core.tensor.ComputeThreads;
import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A densely connected layer: {@code activation(inputs @ kernel + bias)}, as {@code keras.layers.Dense}; kernel
 * initialized glorot_uniform and bias zeros by default.
 */
public final class Dense extends Layer implements FusedLayer {

    private final int units;
    private final ActivationFunction activation;
    private final boolean useBias;
    private final String kernelInitializer;
    private final String biasInitializer;

    private Variable kernel;
    private Variable bias;
    private INDArray kernelGrad;
    private INDArray biasGrad;
    /** The activation's input from the last forward, kept only for activations whose derivative needs it. */
    private INDArray preActivation;
    private final BatchBuffers buffers = new BatchBuffers();
    /** Fewest output columns worth a thread of their own in a split product. */
    private static final int MIN_PART_COLUMNS = 32;

    public Dense(int units) {
        this(units, (String) null);
    }

    public Dense(int units, String activation) {
        this(units, activation, true, "glorot_uniform", "zeros");
    }

    public Dense(int units, String activation, boolean useBias, String kernelInitializer, String biasInitializer) {
        if (units <= 0) {
            throw new IllegalArgumentException("Dense units must be positive, received " + units);
        }
        Initializers.get(kernelInitializer);
        Initializers.get(biasInitializer);
        this.units = units;
        this.activation = ActivationFunction.get(activation);
        this.useBias = useBias;
        this.kernelInitializer = kernelInitializer;
        this.biasInitializer = biasInitializer;
    }

    /** Rebuilds a Dense layer from {@link #getConfig()}. */
    public static Dense fromConfig(Map<String, Object> config) {
        Dense d = new Dense(((Number) config.get("units")).intValue(), (String) config.get("activation"),
                (Boolean) config.getOrDefault("use_bias", true),
                (String) config.getOrDefault("kernel_initializer", "glorot_uniform"),
                (String) config.getOrDefault("bias_initializer", "zeros"));
        d.setName((String) config.get("name"));
        return d;
    }

    public int units() {
        return units;
    }

    public ActivationFunction activation() {
        return activation;
    }

    public Variable kernel() {
        return kernel;
    }

    public Variable bias() {
        return bias;
    }

    @Override
    protected void build(long[] inputShape) {
        if (inputShape.length != 2) {
            throw new IllegalArgumentException("Dense " + name() + " expects inputs of shape (batch, features), found "
                    + Arrays.toString(inputShape) + "; add a Flatten layer before it");
        }
        kernel = addWeight("kernel", new long[]{inputShape[1], units}, kernelInitializer);
        if (useBias) {
            bias = addWeight("bias", new long[]{units}, biasInitializer);
        }
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        ensureBuilt(inputShape);
        return new long[]{inputShape[0], units};
    }

    @Override
    public Tensor call(Tensor inputs) {
        checkWidth(inputs.shape());
        Tensor y = Ops.matmul(inputs, kernel);
        if (useBias) {
            y = Ops.add(y, bias);
        }
        return activation.apply(y);
    }

    private void checkWidth(long[] shape) {
        if (shape.length != 2 || shape[1] != kernel.shape()[0]) {
            throw new IllegalArgumentException("Dense " + name() + " expects inputs of shape (batch, " + kernel.shape()[0]
                    + "), found " + Arrays.toString(shape));
        }
    }

    @Override
    public void bindGradients(List<INDArray> gradientViews) {
        kernelGrad = gradientViews.get(0);
        biasGrad = useBias ? gradientViews.get(1) : null;
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        checkWidth(input.shape());
        int batch = (int) input.size(0);
        INDArray z = buffers.get("z", batch, units, input.dataType());
        boolean hostBias = useBias && z.ordering() == 'f' && HostLoops.usable(z) && HostLoops.usableVector(bias.array());
        boolean relu = activation == ActivationFunction.RELU;
        int parts = HostCopy.isFContiguous(kernel.array())
                ? ComputeThreads.parts((long) batch * input.size(1) * units, units / MIN_PART_COLUMNS) : 1;
        if (parts > 1) {
            // each thread one block of output columns: X @ W[:, c0:c1] into z[:, c0:c1], both contiguous f-order
            ComputeThreads.run(parts, p -> {
                int c0 = ComputeThreads.start(units, parts, p);
                int c1 = ComputeThreads.start(units, parts, p + 1);
                Blas.gemm(input, HostCopy.columnsF(kernel.array(), c0, c1), HostCopy.columnsF(z, c0, c1),
                        false, false, 0.0);
                if (hostBias) {
                    HostLoops.addBiasColumnMajor(z, bias.array(), relu, c0, c1);
                }
            });
        } else {
            Blas.gemm(input, kernel.array(), z, false, false, 0.0);
            if (hostBias) {
                HostLoops.addBiasColumnMajor(z, bias.array(), relu);
            }
        }
        if (hostBias) {
            if (!relu) {
                keepPreActivation(z);
                activation.applyInPlace(z);
            }
            return z;
        }
        if (useBias) {
            z.addiRowVector(bias.array());
        }
        keepPreActivation(z);
        activation.applyInPlace(z);
        return z;
    }

    /** GELU's and swish's derivatives need the activation's input, so it is kept for backward. */
    private void keepPreActivation(INDArray z) {
        if (activation.needsPreActivation()) {
            preActivation = buffers.get("preActivation", (int) z.size(0), units, z.dataType());
            preActivation.assign(z);
        }
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        if (activation == ActivationFunction.RELU && gradOutput.ordering() == 'f' && HostLoops.usable(output, gradOutput)) {
            // the ReLU derivative runs inside the split below, each thread on its own columns
            return backwardFromPreActivation(input, gradOutput, needInputGradient, output);
        }
        activation.backwardInPlace(preActivation, output, gradOutput);
        return backwardFromPreActivation(input, gradOutput, needInputGradient);
    }

    /**
     * Back-propagates a gradient already taken with respect to the pre-activation {@code input @ kernel + bias};
     * the fused softmax + cross-entropy path uses it.
     */
    public INDArray backwardFromPreActivation(INDArray input, INDArray gradZ, boolean needInputGradient) {
        return backwardFromPreActivation(input, gradZ, needInputGradient, null);
    }

    /**
     * As {@link #backwardFromPreActivation(INDArray, INDArray, boolean)}, given the gradient with respect to a ReLU's
     * output {@code reluOutput} (f-order, same shape as {@code gradZ}, or null for none): its derivative is applied
     * to each block of columns by the thread that then uses them.
     */
    private INDArray backwardFromPreActivation(INDArray input, INDArray gradZ, boolean needInputGradient, INDArray reluOutput) {
        int batch = (int) gradZ.size(0);
        long in = input.size(1);
        boolean hostBias = useBias && gradZ.ordering() == 'f' && HostLoops.usable(gradZ) && HostLoops.usableVector(biasGrad);
        int parts = HostCopy.isFContiguous(kernelGrad) && HostCopy.isFContiguous(gradZ)
                ? ComputeThreads.parts((long) batch * in * units, units / MIN_PART_COLUMNS) : 1;
        if (parts > 1) {
            // dW[:, c0:c1] = X^T @ dZ[:, c0:c1]: each thread its own columns of the gradient, no partial sums
            ComputeThreads.run(parts, p -> {
                int c0 = ComputeThreads.start(units, parts, p);
                int c1 = ComputeThreads.start(units, parts, p + 1);
                if (reluOutput != null) {
                    HostLoops.reluBackward(reluOutput, gradZ, c0 * batch, (c1 - c0) * batch);
                }
                Blas.gemm(input, HostCopy.columnsF(gradZ, c0, c1), HostCopy.columnsF(kernelGrad, c0, c1),
                        true, false, 0.0);
                if (hostBias) {
                    HostLoops.columnSumsColumnMajor(gradZ, biasGrad, c0, c1);
                }
            });
        } else {
            if (reluOutput != null) {
                HostLoops.reluBackward(reluOutput, gradZ);
            }
            Blas.gemm(input, gradZ, kernelGrad, true, false, 0.0);
            if (hostBias) {
                HostLoops.columnSumsColumnMajor(gradZ, biasGrad);
            }
        }
        if (useBias && !hostBias) {
            // column sums as one GEMV-shaped GEMM (ones[1,batch] x gradZ) straight into the flat gradient buffer
            INDArray ones = buffers.ones(batch, gradZ.dataType());
            Blas.gemm(ones, gradZ, biasGrad.reshape('f', 1, units), false, false, 0.0);
        }
        if (!needInputGradient) {
            return null;
        }
        INDArray dx = buffers.get("dx", (int) input.size(0), (int) in, input.dataType());
        int dxParts = HostCopy.isFContiguous(kernel.array())
                ? ComputeThreads.parts((long) batch * in * units, (int) in / MIN_PART_COLUMNS) : 1;
        if (dxParts > 1) {
            // dX[:, c0:c1] = dZ @ W[c0:c1, :]^T
            ComputeThreads.run(dxParts, p -> {
                int c0 = ComputeThreads.start((int) in, dxParts, p);
                int c1 = ComputeThreads.start((int) in, dxParts, p + 1);
                Blas.gemm(gradZ, HostCopy.rowsF(kernel.array(), c0, c1), HostCopy.columnsF(dx, c0, c1),
                        false, true, 0.0);
            });
        } else {
            Blas.gemm(gradZ, kernel.array(), dx, false, true, 0.0);
        }
        return dx;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("units", units);
        config.put("activation", activation.kerasName());
        config.put("use_bias", useBias);
        config.put("kernel_initializer", kernelInitializer);
        config.put("bias_initializer", biasInitializer);
        return config;
    }
}
