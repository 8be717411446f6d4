package io.orrery.core.optimizers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of all optimizers: updates a flat parameter vector in place from a flat gradient vector of the same length.
 *
 * <p>Works on any contiguous slice of a model's flat buffers, which is how the parameter server applies the model's
 * optimizer to one shard: every shard owns an {@link OptimizerState} sized to its slice. A subclass writes only
 * its formula in {@link #updateStep}; the base class keeps the step counter and evaluates the learning-rate schedule,
 * as Keras's {@code BaseOptimizer} does.
 */
public abstract class Optimizer {

    private volatile LearningRateSchedule learningRate;

    protected Optimizer(LearningRateSchedule learningRate) {
        if (learningRate == null) {
            throw new IllegalArgumentException("learning rate schedule must not be null");
        }
        this.learningRate = learningRate;
    }

    /** A constant learning rate, as Keras's {@code learning_rate=0.001}. */
    protected Optimizer(double learningRate) {
        this(new ConstantLearningRate(learningRate));
    }

    /** Keras's name for this optimizer, e.g. {@code "rmsprop"}. */
    public abstract String name();

    /** How many per-parameter slot vectors (momentum, velocity, ...) this optimizer keeps. */
    public abstract int slotCount();

    /** Initial value of slot {@code slot}; zero unless the optimizer says otherwise (Adagrad's accumulator). */
    protected double initialSlotValue(int slot) {
        return 0.0;
    }

    /**
     * Applies one update to {@code params} (in place).
     *
     * @param params     flat parameter vector (length n), updated in place
     * @param grads      flat gradient vector (length n), read only
     * @param slots      this optimizer's slot vectors, each of length n, updated in place
     * @param scratch    {@link #scratchCount()} length-n vectors the formula may overwrite freely (no allocation on
     *                   the hot path); owned by the state, so concurrent shards never share them
     * @param lr         learning rate for this step
     * @param localStep  1-based number of this step (Keras's {@code iterations + 1})
     */
    protected abstract void updateStep(INDArray params, INDArray grads, INDArray[] slots, INDArray[] scratch,
                                       double lr, long localStep);

    /** How many scratch vectors {@link #updateStep} needs; one unless a formula needs two temporaries at once. */
    protected int scratchCount() {
        return 1;
    }

    /** Creates zeroed (or initial-valued) state for a parameter slice of {@code size} elements. */
    public OptimizerState newState(long size, DataType dataType) {
        INDArray[] slots = new INDArray[slotCount()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = org.nd4j.linalg.factory.Nd4j.valueArrayOf(new long[]{size}, initialSlotValue(i), dataType);
        }
        return new OptimizerState(0, slots);
    }

    /** The learning rate this optimizer uses at the given (0-based) iteration. */
    public double learningRate(long iteration) {
        return learningRate.valueAt(iteration);
    }

    public LearningRateSchedule learningRateSchedule() {
        return learningRate;
    }

    /** Replaces the learning rate by a constant (what Keras's LearningRateScheduler callback does). */
    public void setLearningRate(double learningRate) {
        this.learningRate = new ConstantLearningRate(learningRate);
    }

    /** Replaces the learning-rate schedule. */
    public void setLearningRate(LearningRateSchedule schedule) {
        if (schedule == null) {
            throw new IllegalArgumentException("learning rate schedule must not be null");
        }
        this.learningRate = schedule;
    }

    /**
     * Applies one step: {@code params -= update(grads)}, then advances the state's iteration counter.
     *
     * @throws IllegalArgumentException if the lengths or data types of params, grads and state differ, or the state
     *                                  was made for a differently configured optimizer (another slot count)
     */
    public final void apply(INDArray params, INDArray grads, OptimizerState state) {
        long n = params.length();
        if (grads.length() != n || (state.size() >= 0 && state.size() != n)) {
            throw new IllegalArgumentException("optimizer " + name() + ": expected params, grads and state of equal length, found params="
                    + n + " grads=" + grads.length() + " state=" + state.size());
        }
        INDArray[] slots = state.slots();
        if (slots.length != slotCount()) {
            throw new IllegalArgumentException("optimizer " + name() + ": expected a state with " + slotCount() + " slots, found "
                    + slots.length + "; create it with newState() of this optimizer (same settings)");
        }
        DataType type = params.dataType();
        if (grads.dataType() != type || (slots.length > 0 && slots[0].dataType() != type)) {
            throw new IllegalArgumentException("optimizer " + name() + ": expected params, grads and state of one data type, found params="
                    + type + " grads=" + grads.dataType() + " state=" + (slots.length > 0 ? slots[0].dataType() : "none")
                    + "; create the state with newState(n, params.dataType())");
        }
        long iteration = state.iterations();
        updateStep(params, grads, state.slots(), state.scratchFor(params, scratchCount()), learningRate(iteration), iteration + 1);
        state.advance();
    }

    /**
     * Configuration as plain values (numbers, strings, booleans, nested maps), for model files; Keras's key names.
     * A constant learning rate is a plain number, a schedule its {@code {"class_name", "config"}} map, as in Keras.
     * {@link Optimizers#fromConfig(Map)} rebuilds an equal optimizer from it.
     */
    public Map<String, Object> getConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", name());
        config.put("learning_rate", learningRate instanceof ConstantLearningRate constant
                ? (Object) constant.learningRate() : learningRate.getConfig());
        addConfig(config);
        return config;
    }

    /** Adds this optimizer's own settings (beyond name and learning rate) to {@code config}. */
    protected abstract void addConfig(Map<String, Object> config);

    @Override
    public String toString() {
        return getClass().getSimpleName() + getConfig();
    }
}
