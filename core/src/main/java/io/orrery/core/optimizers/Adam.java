package io.orrery.core.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

/**
 * Keras 3's {@code Adam}, with bias correction folded into the step size as Keras does it (t is the 1-based step):
 *
 * <pre>
 * alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
 * m += (g - m) * (1 - beta_1)
 * v += (g^2 - v) * (1 - beta_2)
 * amsgrad:  v_hat = max(v_hat, v), and v_hat replaces v below
 * w -= alpha * m / (sqrt(v) + epsilon)
 * </pre>
 * Defaults: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7, amsgrad false. Slots: momentum, velocity,
 * then velocity_hat if amsgrad.
 */
public final class Adam extends Optimizer {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final boolean amsgrad;

    public Adam() {
        this(0.001);
    }

    public Adam(double learningRate) {
        this(new ConstantLearningRate(learningRate), 0.9, 0.999, 1e-7, false);
    }

    public Adam(LearningRateSchedule learningRate) {
        this(learningRate, 0.9, 0.999, 1e-7, false);
    }

    /**
     * @param beta1   decay of the first moment, in [0, 1)
     * @param beta2   decay of the second moment, in [0, 1)
     * @param epsilon {@code >= 0}, added after the square root
     * @param amsgrad keep the running maximum of the second moment
     */
    public Adam(LearningRateSchedule learningRate, double beta1, double beta2, double epsilon, boolean amsgrad) {
        super(learningRate);
        this.beta1 = Checks.unitOpen("adam", "beta_1", beta1);
        this.beta2 = Checks.unitOpen("adam", "beta_2", beta2);
        this.epsilon = Checks.nonNegative("adam", "epsilon", epsilon);
        this.amsgrad = amsgrad;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public int slotCount() {
        return amsgrad ? 3 : 2;
    }

    /** Keras's bias correction, folded into the step size: {@code alpha}. */
    @Override
    protected double stepSize(double lr, long localStep) {
        return lr * Math.sqrt(1 - Math.pow(beta2, localStep)) / (1 - Math.pow(beta1, localStep));
    }

    @Override
    protected void ndStep(INDArray params, INDArray grads, INDArray[] slots, INDArray[] scratchVectors, double alpha) {
        INDArray scratch = scratchVectors[0];
        INDArray m = slots[0];
        INDArray v = slots[1];
        grads.subi(m, scratch);
        VectorOps.axpy(1 - beta1, scratch, m);
        VectorOps.square(grads, scratch);
        scratch.subi(v);
        VectorOps.axpy(1 - beta2, scratch, v);
        if (amsgrad) {
            INDArray vHat = slots[2];
            Transforms.max(vHat, v, false);
            v = vHat;
        }
        VectorOps.sqrt(v, scratch);
        scratch.addi(epsilon);
        m.divi(scratch, scratch);
        VectorOps.axpy(-alpha, scratch, params);
    }

    /**
     * The same formula as one fused float32 loop, in Keras's operation order; amsgrad has its own loop so that the
     * default one stays free of branches, which C2 vectorises.
     *
     * @param alpha the bias-corrected step size of this step
     */
    @Override
    HostBuffers.BlockBody hostKernel(float alpha) {
        float oneMinusBeta1 = (float) (1 - beta1);
        float oneMinusBeta2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        if (!amsgrad) {
            return (b, len) -> {
                float[] w = b[PARAMS], g = b[GRADS], m = b[FIRST_SLOT], v = b[FIRST_SLOT + 1];
                for (int i = 0; i < len; i++) {
                    float gi = g[i];
                    float mi = m[i] + (gi - m[i]) * oneMinusBeta1;
                    float vi = v[i] + (gi * gi - v[i]) * oneMinusBeta2;
                    m[i] = mi;
                    v[i] = vi;
                    w[i] -= (alpha * mi) / ((float) Math.sqrt(vi) + eps);
                }
            };
        }
        return (b, len) -> {
            float[] w = b[PARAMS], g = b[GRADS], m = b[FIRST_SLOT], v = b[FIRST_SLOT + 1], vHat = b[FIRST_SLOT + 2];
            for (int i = 0; i < len; i++) {
                float gi = g[i];
                float mi = m[i] + (gi - m[i]) * oneMinusBeta1;
                float vi = v[i] + (gi * gi - v[i]) * oneMinusBeta2;
                float hi = Math.max(vHat[i], vi);
                m[i] = mi;
                v[i] = vi;
                vHat[i] = hi;
                w[i] -= (alpha * mi) / ((float) Math.sqrt(hi) + eps);
            }
        };
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("beta_1", beta1);
        config.put("beta_2", beta2);
        config.put("epsilon", epsilon);
        config.put("amsgrad", amsgrad);
    }

    static Adam fromConfig(ConfigReader reader, LearningRateSchedule lr) {
        return new Adam(lr, reader.getDouble("beta_1", 0.9), reader.getDouble("beta_2", 0.999),
                reader.getDouble("epsilon", 1e-7), reader.getBoolean("amsgrad", false));
    }

    /** Fluent settings with Keras's defaults; {@link #build()} validates them. */
    public static final class Builder {
        private LearningRateSchedule learningRate = new ConstantLearningRate(0.001);
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-7;
        private boolean amsgrad = false;

        public Builder learningRate(double value) {
            this.learningRate = new ConstantLearningRate(value);
            return this;
        }

        public Builder learningRate(LearningRateSchedule schedule) {
            this.learningRate = schedule;
            return this;
        }

        public Builder beta1(double value) {
            this.beta1 = value;
            return this;
        }

        public Builder beta2(double value) {
            this.beta2 = value;
            return this;
        }

        public Builder epsilon(double value) {
            this.epsilon = value;
            return this;
        }

        public Builder amsgrad(boolean value) {
            this.amsgrad = value;
            return this;
        }

        public Adam build() {
            return new Adam(learningRate, beta1, beta2, epsilon, amsgrad);
        }
    }
}
