package io.orrery.core.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Keras 3's {@code Adagrad}:
 *
 * <pre>
 * acc += g^2
 * w -= lr * g / sqrt(acc + epsilon)
 * </pre>
 * Defaults: learning_rate 0.001, initial_accumulator_value 0.1, epsilon 1e-7.
 */
public final class Adagrad extends Optimizer {

    private final double initialAccumulatorValue;
    private final double epsilon;

    public Adagrad() {
        this(0.001);
    }

    public Adagrad(LearningRateSchedule learningRate) {
        this(learningRate, 0.1, 1e-7);
    }

    public Adagrad(double learningRate) {
        this(new ConstantLearningRate(learningRate), 0.1, 1e-7);
    }

    /**
     * @param initialAccumulatorValue starting value of the accumulator, {@code >= 0}
     * @param epsilon                 {@code >= 0}, added under the square root
     */
    public Adagrad(LearningRateSchedule learningRate, double initialAccumulatorValue, double epsilon) {
        super(learningRate);
        this.initialAccumulatorValue = Checks.nonNegative("adagrad", "initial_accumulator_value", initialAccumulatorValue);
        this.epsilon = Checks.nonNegative("adagrad", "epsilon", epsilon);
    }

    @Override
    public String name() {
        return "adagrad";
    }

    @Override
    public int slotCount() {
        return 1;
    }

    @Override
    protected double initialSlotValue(int slot) {
        return initialAccumulatorValue;
    }

    @Override
    protected void ndStep(INDArray params, INDArray grads, INDArray[] slots, INDArray[] scratchVectors, double lr) {
        INDArray scratch = scratchVectors[0];
        INDArray accumulator = slots[0];
        VectorOps.square(grads, scratch);
        accumulator.addi(scratch);
        accumulator.addi(epsilon, scratch);
        VectorOps.sqrtInPlace(scratch);
        grads.divi(scratch, scratch);
        VectorOps.axpy(-lr, scratch, params);
    }

    /** The same formula as one fused float32 loop, in Keras's operation order. */
    @Override
    HostBuffers.BlockBody hostKernel(float lr) {
        float eps = (float) epsilon;
        return (b, len) -> {
            float[] w = b[PARAMS], g = b[GRADS], acc = b[FIRST_SLOT];
            for (int i = 0; i < len; i++) {
                float gi = g[i];
                float ai = acc[i] + gi * gi;
                acc[i] = ai;
                w[i] -= (lr * gi) / (float) Math.sqrt(ai + eps);
            }
        };
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("initial_accumulator_value", initialAccumulatorValue);
        config.put("epsilon", epsilon);
    }

    static Adagrad fromConfig(ConfigReader reader, LearningRateSchedule lr) {
        return new Adagrad(lr, reader.getDouble("initial_accumulator_value", 0.1), reader.getDouble("epsilon", 1e-7));
    }
}
