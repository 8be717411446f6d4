package io.orrery.core.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Keras 3's {@code Adadelta}, with {@code rms(x) = sqrt(x + epsilon)}:
 *
 * <pre>
 * acc_g  = rho * acc_g + (1 - rho) * g^2
 * delta  = -rms(acc_dx) * g / rms(acc_g)
 * acc_dx = rho * acc_dx + (1 - rho) * delta^2
 * w += lr * delta
 * </pre>
 * Defaults: learning_rate 0.001, rho 0.95, epsilon 1e-7. Slots: accumulated_grad, accumulated_delta_var.
 */
public final class Adadelta extends Optimizer {

    private final double rho;
    private final double epsilon;

    public Adadelta() {
        this(0.001);
    }

    public Adadelta(LearningRateSchedule learningRate) {
        this(learningRate, 0.95, 1e-7);
    }

    public Adadelta(double learningRate) {
        this(new ConstantLearningRate(learningRate), 0.95, 1e-7);
    }

    /**
     * @param rho     decay of both running averages, in [0, 1)
     * @param epsilon {@code >= 0}, added under both square roots
     */
    public Adadelta(LearningRateSchedule learningRate, double rho, double epsilon) {
        super(learningRate);
        this.rho = Checks.unitOpen("adadelta", "rho", rho);
        this.epsilon = Checks.nonNegative("adadelta", "epsilon", epsilon);
    }

    @Override
    public String name() {
        return "adadelta";
    }

    @Override
    public int slotCount() {
        return 2;
    }

    @Override
    protected int scratchCount() {
        return 2;
    }

    @Override
    protected void ndStep(INDArray params, INDArray grads, INDArray[] slots, INDArray[] scratch, double lr) {
        INDArray accGrad = slots[0];
        INDArray accDelta = slots[1];
        INDArray delta = scratch[0];
        INDArray rmsGrad = scratch[1];
        VectorOps.square(grads, delta);
        VectorOps.movingAverage(accGrad, rho, delta);
        accGrad.addi(epsilon, rmsGrad);
        VectorOps.sqrtInPlace(rmsGrad);
        accDelta.addi(epsilon, delta);
        VectorOps.sqrtInPlace(delta);
        delta.muli(grads);
        delta.divi(rmsGrad);                     // |delta| = rms(acc_dx) * g / rms(acc_g); the sign is folded in below
        VectorOps.square(delta, rmsGrad);
        VectorOps.movingAverage(accDelta, rho, rmsGrad);
        VectorOps.axpy(-lr, delta, params);
    }

    /** The same formula as one fused float32 loop, in Keras's operation order. */
    @Override
    HostBuffers.BlockBody hostKernel(float lr) {
        float rhoF = (float) rho;
        float oneMinusRho = (float) (1 - rho);
        float eps = (float) epsilon;
        return (b, len) -> {
            float[] w = b[PARAMS], g = b[GRADS], accGrad = b[FIRST_SLOT], accDelta = b[FIRST_SLOT + 1];
            for (int i = 0; i < len; i++) {
                float gi = g[i];
                float ag = rhoF * accGrad[i] + oneMinusRho * (gi * gi);
                accGrad[i] = ag;
                float delta = (-(float) Math.sqrt(accDelta[i] + eps) * gi) / (float) Math.sqrt(ag + eps);
                accDelta[i] = rhoF * accDelta[i] + oneMinusRho * (delta * delta);
                w[i] += lr * delta;
            }
        };
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("rho", rho);
        config.put("epsilon", epsilon);
    }

    static Adadelta fromConfig(ConfigReader reader, LearningRateSchedule lr) {
        return new Adadelta(lr, reader.getDouble("rho", 0.95), reader.getDouble("epsilon", 1e-7));
    }
}
