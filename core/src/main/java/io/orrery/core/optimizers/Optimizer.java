package io.orrery.core.optimizers;

import io.orrery.core.tensor.ComputeThreads;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of all optimizers: updates a flat parameter vector in place from a flat gradient vector of the same length.
 *
 * <p>Works on any contiguous slice of a model's flat buffers, which is how the parameter server applies the model's
 * optimizer to one shard: every shard owns an {@link OptimizerState} sized to its slice. A subclass writes only
 * its formula, as ND4J ops in {@link #ndStep} and, where a fused loop is much faster on the CPU backend, as a host
 * kernel; the base class chooses between them, keeps the step counter and evaluates the learning-rate schedule, as
 * Keras's {@code BaseOptimizer} does.
 */
public abstract class Optimizer {

    /** Block index of the parameters in a {@link #hostKernel}. */
    static final int PARAMS = 0;

    /** Block index of the gradients in a {@link #hostKernel}; never written back. */
    static final int GRADS = 1;

    /** Block index of the first slot in a {@link #hostKernel}; slot k is at {@code FIRST_SLOT + k}. */
    static final int FIRST_SLOT = 2;

    /** Write mask of a host step: every block but the gradients goes back to its array. */
    private static final int ALL_BUT_GRADS = ~(1 << GRADS);

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
     * Applies one update to {@code params} (in place): the one place that chooses between the fused host loop
     * ({@link #hostKernel}, float32 contiguous vectors on the CPU backend) and the ND4J ops ({@link #ndStep}, any
     * backend, type or view). {@link RangedStep} calls it per range.
     *
     * @param params     flat parameter vector (length n), updated in place
     * @param grads      flat gradient vector (length n), read only
     * @param slots      this optimizer's slot vectors, each of length n, updated in place
     * @param scratch    {@link #scratchCount()} length-n vectors the formula may overwrite freely (no allocation on
     *                   the hot path); owned by the state, so concurrent shards never share them
     * @param lr         learning rate for this step
     * @param localStep  1-based number of this step (Keras's {@code iterations + 1})
     */
    final void updateStep(INDArray params, INDArray grads, INDArray[] slots, INDArray[] scratch, double lr,
                          long localStep) {
        double rate = stepSize(lr, localStep);
        if (!hostStep(params, grads, slots, (float) rate)) {
            ndStep(params, grads, slots, scratch, rate);
        }
    }

    /** About how many multiply-adds an update costs per element (a square root and a division count several). */
    private static final int STEP_WORK_PER_ELEMENT = 8;

    /**
     * Runs the {@link #hostKernel} over float32 host vectors, blocks laid out as {@link #PARAMS}, {@link #GRADS},
     * then the slots from {@link #FIRST_SLOT}; every array but the gradients is written back.
     *
     * @return false, having done nothing, when the optimizer has no host loop or the arrays are not host float32
     */
    final boolean hostStep(INDArray params, INDArray grads, INDArray[] slots, float rate) {
        HostBuffers.BlockBody kernel = hostKernel(rate);
        if (kernel == null || !HostBuffers.usable(params, grads) || !HostBuffers.usable(slots)) {
            return false;
        }
        INDArray[] arrays = new INDArray[FIRST_SLOT + slots.length];
        arrays[PARAMS] = params;
        arrays[GRADS] = grads;
        System.arraycopy(slots, 0, arrays, FIRST_SLOT, slots.length);
        // element-wise, so parts of whole blocks on the compute threads give the same bits as one pass
        int n = Math.toIntExact(params.length());
        int blocks = (n + HostBuffers.BLOCK - 1) / HostBuffers.BLOCK;
        int parts = ComputeThreads.parts((long) n * STEP_WORK_PER_ELEMENT, blocks);
        ComputeThreads.run(parts, p -> HostBuffers.forEachBlock(arrays, ALL_BUT_GRADS, kernel,
                ComputeThreads.start(blocks, parts, p) * HostBuffers.BLOCK,
                Math.min(n, ComputeThreads.start(blocks, parts, p + 1) * HostBuffers.BLOCK)));
        return true;
    }

    /**
     * The step size the formulas receive as {@code rate}: the learning rate, unless the optimizer folds more into it
     * (Adam's bias correction).
     */
    protected double stepSize(double lr, long localStep) {
        return lr;
    }

    /**
     * The formula as ND4J ops: any backend, any floating type, any view. Slot and scratch vectors as in
     * {@link #updateStep}.
     */
    protected abstract void ndStep(INDArray params, INDArray grads, INDArray[] slots, INDArray[] scratch, double rate);

    /**
     * The formula as one fused float32 loop over heap blocks (see {@link HostBuffers}), or null when the ND4J ops are
     * as fast (SGD has no square root). Block {@code b[PARAMS]} holds the parameters, {@code b[GRADS]} the gradients
     * (read only), {@code b[FIRST_SLOT + k]} slot k.
     */
    HostBuffers.BlockBody hostKernel(float rate) {
        return null;
    }

    /** How many scratch vectors {@link #ndStep} needs; one unless a formula needs two temporaries at once. */
    protected int scratchCount() {
        return 1;
    }

    /** Creates zeroed (or initial-valued) state for a parameter slice of {@code size} elements. */
    public OptimizerState newState(long size, DataType dataType) {
        INDArray[] slots = new INDArray[slotCount()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = Nd4j.valueArrayOf(new long[]{size}, initialSlotValue(i), dataType);
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
