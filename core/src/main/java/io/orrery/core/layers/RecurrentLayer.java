package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What LSTM and GRU share, as Keras's {@code RNN} wrapper around a cell: inputs of shape (batch, timesteps,
 * features), a zero initial state, a loop over the time steps in order, and either the last output (batch, units) or
 * all of them (batch, timesteps, units) with {@code return_sequences}. The loop is recorded on the tape step by step,
 * so backpropagation through time is the tape's ordinary backward pass. A subclass says what one step does.
 */
public abstract class RecurrentLayer extends Layer {

    /** The settings LSTM and GRU share, with Keras's names and defaults. */
    protected final int units;
    protected final ActivationFunction activation;
    protected final ActivationFunction recurrentActivation;
    protected final boolean useBias;
    protected final String kernelInitializer;
    protected final String recurrentInitializer;
    protected final String biasInitializer;
    protected final boolean returnSequences;

    protected Variable kernel;
    protected Variable recurrentKernel;
    protected Variable bias;

    RecurrentLayer(int units, String activation, String recurrentActivation, boolean useBias, String kernelInitializer,
                   String recurrentInitializer, String biasInitializer, boolean returnSequences) {
        if (units <= 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " units must be positive, received " + units);
        }
        LayerInitializers.get(kernelInitializer);
        LayerInitializers.get(recurrentInitializer);
        LayerInitializers.get(biasInitializer);
        this.units = units;
        this.activation = ActivationFunction.get(activation);
        this.recurrentActivation = ActivationFunction.get(recurrentActivation);
        this.useBias = useBias;
        this.kernelInitializer = kernelInitializer;
        this.recurrentInitializer = recurrentInitializer;
        this.biasInitializer = biasInitializer;
        this.returnSequences = returnSequences;
    }

    public int units() {
        return units;
    }

    public boolean returnSequences() {
        return returnSequences;
    }

    /** The input kernel [features, gates * units]. */
    public Variable kernel() {
        return kernel;
    }

    /** The recurrent kernel [units, gates * units]. */
    public Variable recurrentKernel() {
        return recurrentKernel;
    }

    /** The bias, or null without {@code use_bias}. */
    public Variable bias() {
        return bias;
    }

    @Override
    protected final void build(long[] inputShape) {
        if (inputShape.length != 3) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " " + name() + " expects inputs of shape (batch, timesteps, features),"
                    + " found " + Arrays.toString(inputShape) + "; reshape them, e.g. Reshape(timesteps, features)");
        }
        buildCell(inputShape[2]);
    }

    /** Creates kernel, recurrent kernel and bias for inputs with {@code features} features per step. */
    protected abstract void buildCell(long features);

    /** Per-call preparation of the weights (slices that every step uses), computed once, recorded on the tape. */
    protected abstract Object prepare();

    /**
     * One time step: the input {@code x} (batch, features) and the states (h first) give the new states (h first).
     * {@code prepared} is what {@link #prepare()} returned for this call.
     */
    protected abstract Tensor[] step(Tensor x, Tensor[] states, Object prepared);

    /** How many state tensors of shape (batch, units) the cell carries: 2 for LSTM (h, c), 1 for GRU. */
    protected abstract int stateCount();

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        ensureBuilt(inputShape);
        return returnSequences ? new long[]{inputShape[0], inputShape[1], units} : new long[]{inputShape[0], units};
    }

    @Override
    public Tensor call(Tensor inputs) {
        long[] shape = inputs.shape();
        if (shape.length != 3 || shape[2] != kernel.shape()[0]) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " " + name() + " expects inputs of shape (batch, timesteps, "
                    + kernel.shape()[0] + "), found " + Arrays.toString(shape));
        }
        long batch = shape[0];
        int steps = (int) shape[1];
        Tensor[] states = new Tensor[stateCount()];
        for (int i = 0; i < states.length; i++) {
            states[i] = new Tensor(Nd4j.zeros(inputs.dataType(), batch, units));
        }
        Object prepared = prepare();
        // time-major, so that each step's input is one contiguous block
        Tensor timeMajor = Ops.transpose(inputs, 1, 0, 2);
        List<Tensor> outputs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            Tensor x = Ops.reshape(Ops.slice(timeMajor, 0, t, 1), batch, shape[2]);
            states = step(x, states, prepared);
            if (returnSequences) {
                outputs.add(Ops.reshape(states[0], 1, batch, units));
            }
        }
        if (!returnSequences) {
            return states[0];
        }
        return Ops.transpose(Ops.concat(0, outputs.toArray(new Tensor[0])), 1, 0, 2);
    }

    /** Columns {@code [gate * units, (gate + 1) * units)} of a (batch, gates * units) tensor. */
    protected final Tensor gate(Tensor z, int gate) {
        return Ops.slice(z, 1, (long) gate * units, units);
    }

    /** Rejects a Keras config that asks for RNN options Orrery does not have (rather than silently ignoring them). */
    static void checkUnsupported(String layer, Map<String, Object> config) {
        for (String flag : new String[]{"return_state", "go_backwards", "stateful", "time_major"}) {
            if (Boolean.TRUE.equals(config.get(flag))) {
                throw new IllegalArgumentException(layer + " " + flag + "=true is not supported; only the defaults (false) are."
                        + " Received config " + config);
            }
        }
        for (String rate : new String[]{"dropout", "recurrent_dropout"}) {
            if (config.get(rate) instanceof Number n && n.doubleValue() != 0) {
                throw new IllegalArgumentException(layer + " " + rate + "=" + n + " is not supported; only 0 is."
                        + " Add a Dropout layer between layers instead");
            }
        }
    }

    static String string(Map<String, Object> config, String key, String fallback) {
        Object v = config.get(key);
        return v == null ? fallback : (String) v;
    }

    static boolean flag(Map<String, Object> config, String key, boolean fallback) {
        Object v = config.get(key);
        return v == null ? fallback : (Boolean) v;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("units", units);
        config.put("activation", activation.kerasName());
        config.put("recurrent_activation", recurrentActivation.kerasName());
        config.put("use_bias", useBias);
        config.put("kernel_initializer", kernelInitializer);
        config.put("recurrent_initializer", recurrentInitializer);
        config.put("bias_initializer", biasInitializer);
        config.put("return_sequences", returnSequences);
        return config;
    }
}
