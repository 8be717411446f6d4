package io.orrery.core.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Keras's {@code SGD}: plain gradient descent, optionally with momentum and Nesterov momentum.
 *
 * <pre>
 * momentum == 0:  w -= lr * g
 * otherwise:      m = momentum * m - lr * g
 *                 w += m                         (nesterov=false)
 *                 w += momentum * m - lr * g     (nesterov=true)
 * </pre>
 * Defaults: learning_rate 0.01, momentum 0, nesterov false.
 */
public final class SGD extends Optimizer {

    private final double momentum;
    private final boolean nesterov;

    public SGD() {
        this(0.01);
    }

    public SGD(LearningRateSchedule learningRate) {
        this(learningRate, 0.0, false);
    }

    public SGD(double learningRate) {
        this(new ConstantLearningRate(learningRate), 0.0, false);
    }

    public SGD(double learningRate, double momentum, boolean nesterov) {
        this(new ConstantLearningRate(learningRate), momentum, nesterov);
    }

    /**
     * @param momentum in [0, 1]; 0 keeps no state
     * @param nesterov use Nesterov momentum
     */
    public SGD(LearningRateSchedule learningRate, double momentum, boolean nesterov) {
        super(learningRate);
        this.momentum = Checks.unitClosed("sgd", "momentum", momentum);
        this.nesterov = nesterov;
    }

    @Override
    public String name() {
        return "sgd";
    }

    public double momentum() {
        return momentum;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public int slotCount() {
        return momentum == 0 ? 0 : 1;
    }

    /**
     * The only form of the formula, on every backend: SGD has no square root, so its one to four ND4J passes cost no
     * more than a fused host loop (plain SGD: 0.05 ms against 0.14 ms per 407,050-float step, measured with
     * OptimizerStepBenchmark), and it has no {@code hostKernel}.
     */
    @Override
    protected void ndStep(INDArray params, INDArray grads, INDArray[] slots, INDArray[] scratch, double lr) {
        if (momentum == 0) {
            VectorOps.axpy(-lr, grads, params);
            return;
        }
        INDArray m = slots[0];
        m.muli(momentum);
        VectorOps.axpy(-lr, grads, m);
        if (nesterov) {
            VectorOps.axpy(momentum, m, params);
            VectorOps.axpy(-lr, grads, params);
        } else {
            params.addi(m);
        }
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("momentum", momentum);
        config.put("nesterov", nesterov);
    }

    static SGD fromConfig(ConfigReader reader, LearningRateSchedule lr) {
        return new SGD(lr, reader.getDouble("momentum", 0.0), reader.getBoolean("nesterov", false));
    }
}
