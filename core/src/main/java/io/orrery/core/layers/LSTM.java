package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.Random;

/**
 * Long short-term memory, as {@code keras.layers.LSTM}. For each step, with the gates in Keras's order i, f, c, o:
 * <pre>
 * z = x_t @ kernel + h @ recurrent_kernel + bias          (batch, 4 units)
 * i = recurrent_activation(z[:, 0:u])    f = recurrent_activation(z[:, u:2u])
 * g = activation(z[:, 2u:3u])           o = recurrent_activation(z[:, 3u:4u])
 * c = f * c + i * g                     h = o * activation(c)
 * </pre>
 * Weights: {@code kernel} (features, 4u) glorot_uniform, {@code recurrent_kernel} (u, 4u) orthogonal, {@code bias}
 * (4u) zeros with the forget gate's quarter set to one ({@code unit_forget_bias}). Outputs h of the last step
 * (batch, u), or of every step (batch, timesteps, u) with {@code return_sequences}.
 */
public final class LSTM extends RecurrentLayer {

    private final boolean unitForgetBias;

    /** Keras's defaults: tanh, sigmoid, bias, unit_forget_bias, last output only. */
    public LSTM(int units) {
        this(units, false);
    }

    public LSTM(int units, boolean returnSequences) {
        this(units, "tanh", "sigmoid", true, "glorot_uniform", "orthogonal", "zeros", true, returnSequences);
    }

    public LSTM(int units, String activation, String recurrentActivation, boolean useBias, String kernelInitializer,
                String recurrentInitializer, String biasInitializer, boolean unitForgetBias, boolean returnSequences) {
        super(units, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, returnSequences);
        this.unitForgetBias = unitForgetBias;
    }

    /** Rebuilds the layer from {@link #getConfig()} (or a Keras config without the options Orrery lacks). */
    public static LSTM fromConfig(Map<String, Object> config) {
        checkUnsupported("LSTM", config);
        LSTM layer = new LSTM(((Number) config.get("units")).intValue(), string(config, "activation", "tanh"),
                string(config, "recurrent_activation", "sigmoid"), flag(config, "use_bias", true),
                string(config, "kernel_initializer", "glorot_uniform"), string(config, "recurrent_initializer", "orthogonal"),
                string(config, "bias_initializer", "zeros"), flag(config, "unit_forget_bias", true),
                flag(config, "return_sequences", false));
        layer.setName((String) config.get("name"));
        return layer;
    }

    @Override
    protected void buildCell(long features) {
        kernel = addWeight("kernel", new long[]{features, 4L * units}, LayerInitializers.get(kernelInitializer), true);
        recurrentKernel = addWeight("recurrent_kernel", new long[]{units, 4L * units}, LayerInitializers.get(recurrentInitializer), true);
        if (useBias) {
            Initializer base = LayerInitializers.get(biasInitializer);
            Initializer init = !unitForgetBias ? base : (shape, type, rng) -> forgetBiasOne(base, type, rng);
            bias = addWeight("bias", new long[]{4L * units}, init, true);
        }
    }

    /** Keras's unit_forget_bias: the bias initializer for the i, c and o quarters, ones for f. */
    private INDArray forgetBiasOne(Initializer base, DataType type, Random rng) {
        INDArray i = base.create(new long[]{units}, type, rng);
        INDArray f = Nd4j.ones(type, units);
        INDArray co = base.create(new long[]{2L * units}, type, rng);
        return Nd4j.concat(0, i, f, co);
    }

    @Override
    protected int stateCount() {
        return 2;
    }

    @Override
    protected Object prepare() {
        return null;
    }

    @Override
    protected Tensor[] step(Tensor x, Tensor[] states, Object prepared) {
        Tensor h = states[0];
        Tensor c = states[1];
        Tensor z = Ops.add(Ops.matmul(x, kernel), Ops.matmul(h, recurrentKernel));
        if (useBias) {
            z = Ops.add(z, bias);
        }
        Tensor i = recurrentActivation.apply(gate(z, 0));
        Tensor f = recurrentActivation.apply(gate(z, 1));
        Tensor g = activation.apply(gate(z, 2));
        Tensor o = recurrentActivation.apply(gate(z, 3));
        Tensor cNext = Ops.add(Ops.mul(f, c), Ops.mul(i, g));
        Tensor hNext = Ops.mul(o, activation.apply(cNext));
        return new Tensor[]{hNext, cNext};
    }

    public boolean unitForgetBias() {
        return unitForgetBias;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("unit_forget_bias", unitForgetBias);
        return config;
    }
}
