package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;

import java.util.Map;

/**
 * Gated recurrent unit, as {@code keras.layers.GRU} (Keras 2's default {@code reset_after=True}, the cuDNN-compatible
 * form). For each step, with the gates in Keras's order z, r, h:
 * <pre>
 * reset_after=True:  xz|xr|xh = x_t @ kernel + bias[0]      rz|rr|rh = h @ recurrent_kernel + bias[1]
 *                    z = recurrent_activation(xz + rz)      r = recurrent_activation(xr + rr)
 *                    hh = activation(xh + r * rh)
 * reset_after=False: xz|xr|xh = x_t @ kernel + bias
 *                    z, r as above with rz|rr = h @ recurrent_kernel[:, :2u]
 *                    hh = activation(xh + (r * h) @ recurrent_kernel[:, 2u:])
 * h = z * h + (1 - z) * hh
 * </pre>
 * Weights: {@code kernel} (features, 3u) glorot_uniform, {@code recurrent_kernel} (u, 3u) orthogonal, {@code bias}
 * zeros of shape (2, 3u) with reset_after (input bias row 0, recurrent bias row 1) or (3u) without.
 */
public final class GRU extends RecurrentLayer {

    private final boolean resetAfter;

    /** Keras 2's defaults: tanh, sigmoid, bias, reset_after, last output only. */
    public GRU(int units) {
        this(units, false);
    }

    public GRU(int units, boolean returnSequences) {
        this(units, "tanh", "sigmoid", true, "glorot_uniform", "orthogonal", "zeros", returnSequences, true);
    }

    public GRU(int units, String activation, String recurrentActivation, boolean useBias, String kernelInitializer,
               String recurrentInitializer, String biasInitializer, boolean returnSequences, boolean resetAfter) {
        super(units, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, returnSequences);
        this.resetAfter = resetAfter;
    }

    /** Rebuilds the layer from {@link #getConfig()} (or a Keras config without the options Orrery lacks). */
    public static GRU fromConfig(Map<String, Object> config) {
        checkUnsupported("GRU", config);
        GRU layer = new GRU(((Number) config.get("units")).intValue(), string(config, "activation", "tanh"),
                string(config, "recurrent_activation", "sigmoid"), flag(config, "use_bias", true),
                string(config, "kernel_initializer", "glorot_uniform"), string(config, "recurrent_initializer", "orthogonal"),
                string(config, "bias_initializer", "zeros"), flag(config, "return_sequences", false),
                flag(config, "reset_after", true));
        layer.setName((String) config.get("name"));
        return layer;
    }

    @Override
    protected void buildCell(long features) {
        kernel = addWeight("kernel", new long[]{features, 3L * units}, LayerInitializers.get(kernelInitializer), true);
        recurrentKernel = addWeight("recurrent_kernel", new long[]{units, 3L * units}, LayerInitializers.get(recurrentInitializer), true);
        if (useBias) {
            long[] shape = resetAfter ? new long[]{2, 3L * units} : new long[]{3L * units};
            bias = addWeight("bias", shape, LayerInitializers.get(biasInitializer), true);
        }
    }

    @Override
    protected int stateCount() {
        return 1;
    }

    /** The weight pieces every step uses: input bias, recurrent bias, and the recurrent kernel's halves. */
    private record Prepared(Tensor inputBias, Tensor recurrentBias, Tensor recurrentZr, Tensor recurrentH) {
    }

    @Override
    protected Object prepare() {
        Tensor inputBias = null;
        Tensor recurrentBias = null;
        if (useBias && resetAfter) {
            inputBias = Ops.reshape(Ops.slice(bias, 0, 0, 1), 3L * units);
            recurrentBias = Ops.reshape(Ops.slice(bias, 0, 1, 1), 3L * units);
        } else if (useBias) {
            inputBias = bias;
        }
        if (resetAfter) {
            return new Prepared(inputBias, recurrentBias, null, null);
        }
        return new Prepared(inputBias, null, Ops.slice(recurrentKernel, 1, 0, 2L * units),
                Ops.slice(recurrentKernel, 1, 2L * units, units));
    }

    @Override
    protected Tensor[] step(Tensor x, Tensor[] states, Object prepared) {
        Prepared p = (Prepared) prepared;
        Tensor h = states[0];
        Tensor xs = Ops.matmul(x, kernel);
        if (p.inputBias() != null) {
            xs = Ops.add(xs, p.inputBias());
        }
        Tensor z;
        Tensor r;
        Tensor hh;
        if (resetAfter) {
            Tensor rs = Ops.matmul(h, recurrentKernel);
            if (p.recurrentBias() != null) {
                rs = Ops.add(rs, p.recurrentBias());
            }
            z = recurrentActivation.apply(Ops.add(gate(xs, 0), gate(rs, 0)));
            r = recurrentActivation.apply(Ops.add(gate(xs, 1), gate(rs, 1)));
            hh = activation.apply(Ops.add(gate(xs, 2), Ops.mul(r, gate(rs, 2))));
        } else {
            Tensor rs = Ops.matmul(h, p.recurrentZr());
            z = recurrentActivation.apply(Ops.add(gate(xs, 0), gate(rs, 0)));
            r = recurrentActivation.apply(Ops.add(gate(xs, 1), gate(rs, 1)));
            hh = activation.apply(Ops.add(gate(xs, 2), Ops.matmul(Ops.mul(r, h), p.recurrentH())));
        }
        Tensor hNext = Ops.add(Ops.mul(z, h), Ops.mul(Ops.sub(z.scalarLike(1.0), z), hh));
        return new Tensor[]{hNext};
    }

    public boolean resetAfter() {
        return resetAfter;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("reset_after", resetAfter);
        return config;
    }
}
