package io.orrery.core.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Keras 3's {@code RMSprop}. Epsilon sits inside the square root, as in Keras 3 (not outside, as in Keras 2 and DL4J).
 *
 * <pre>
 * v = rho * v + (1 - rho) * g^2
 * centered:   a = rho * a + (1 - rho) * g;   d = v - a^2 + eps
 * otherwise:  d = v + eps
 * inc = lr * g / sqrt(d)
 * momentum &gt; 0:  mom = momentum * mom + inc;  w -= mom
 * otherwise:     w -= inc
 * </pre>
 * Defaults: learning_rate 0.001, rho 0.9, momentum 0, epsilon 1e-7, centered false. Slots, in Keras's order:
 * velocity, then momentum (if momentum &gt; 0), then average gradient (if centered).
 */
public final class RMSprop extends Optimizer {

    private final double rho;
    private final double momentum;
    private final double epsilon;
    private final boolean centered;

    public RMSprop() {
        this(0.001);
    }

    public RMSprop(double learningRate) {
        this(new ConstantLearningRate(learningRate), 0.9, 0.0, 1e-7, false);
    }

    public RMSprop(LearningRateSchedule learningRate) {
        this(learningRate, 0.9, 0.0, 1e-7, false);
    }

    /**
     * @param rho      decay of the squared-gradient average, in [0, 1)
     * @param momentum in [0, 1]
     * @param epsilon  {@code >= 0}, added under the square root
     * @param centered normalise by the gradient's variance instead of its second moment
     */
    public RMSprop(LearningRateSchedule learningRate, double rho, double momentum, double epsilon, boolean centered) {
        super(learningRate);
        this.rho = Checks.unitOpen("rmsprop", "rho", rho);
        this.momentum = Checks.unitClosed("rmsprop", "momentum", momentum);
        this.epsilon = Checks.nonNegative("rmsprop", "epsilon", epsilon);
        this.centered = centered;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "rmsprop";
    }

    @Override
    public int slotCount() {
        return 1 + (momentum > 0 ? 1 : 0) + (centered ? 1 : 0);
    }

    @Override
    protected void ndStep(INDArray params, INDArray grads, INDArray[] slots, INDArray[] scratchVectors, double lr) {
        INDArray scratch = scratchVectors[0];
        INDArray velocity = slots[0];
        VectorOps.square(grads, scratch);
        VectorOps.movingAverage(velocity, rho, scratch);
        if (centered) {
            INDArray average = slots[slots.length - 1];
            VectorOps.movingAverage(average, rho, grads);
            VectorOps.square(average, scratch);
            velocity.subi(scratch, scratch);  // v - a^2, written into scratch
            scratch.addi(epsilon);
        } else {
            velocity.addi(epsilon, scratch);  // v + eps, without touching v
        }
        VectorOps.sqrtInPlace(scratch);
        grads.divi(scratch, scratch);         // g / sqrt(d), written into scratch
        if (momentum > 0) {
            INDArray mom = slots[1];
            mom.muli(momentum);
            VectorOps.axpy(lr, scratch, mom);
            params.subi(mom);
        } else {
            VectorOps.axpy(-lr, scratch, params);
        }
    }

    /**
     * The same formula as one fused float32 loop, in Keras's operation order:
     * {@code v = rho*v + (1-rho)*g*g; w -= (lr*g) / sqrt(v + eps)}. Keras's default (no momentum, not centered)
     * has its own loop, free of branches so that C2 vectorises it.
     */
    @Override
    HostBuffers.BlockBody hostKernel(float lr) {
        float rhoF = (float) rho;
        float oneMinusRho = (float) (1 - rho);
        float eps = (float) epsilon;
        float momentumF = (float) momentum;
        if (momentum == 0 && !centered) {
            // the hot case (Keras's default), kept free of branches so that C2 vectorises it
            return (b, len) -> {
                float[] w = b[PARAMS], g = b[GRADS], v = b[FIRST_SLOT];
                for (int i = 0; i < len; i++) {
                    float gi = g[i];
                    float vi = rhoF * v[i] + oneMinusRho * (gi * gi);
                    v[i] = vi;
                    w[i] -= (lr * gi) / (float) Math.sqrt(vi + eps);
                }
            };
        }
        // slots in Keras's order: velocity, then momentum and/or average gradient
        int momentumBlock = momentum > 0 ? FIRST_SLOT + 1 : -1;
        int averageBlock = centered ? FIRST_SLOT + slotCount() - 1 : -1;
        return (b, len) -> {
            float[] w = b[PARAMS], g = b[GRADS], v = b[FIRST_SLOT];
            float[] mom = momentumBlock >= 0 ? b[momentumBlock] : null;
            float[] avg = averageBlock >= 0 ? b[averageBlock] : null;
            for (int i = 0; i < len; i++) {
                float gi = g[i];
                float vi = rhoF * v[i] + oneMinusRho * (gi * gi);
                v[i] = vi;
                float denominator;
                if (avg != null) {
                    float ai = rhoF * avg[i] + oneMinusRho * gi;
                    avg[i] = ai;
                    denominator = vi - ai * ai + eps;
                } else {
                    denominator = vi + eps;
                }
                float increment = (lr * gi) / (float) Math.sqrt(denominator);
                if (mom != null) {
                    float mi = momentumF * mom[i] + increment;
                    mom[i] = mi;
                    w[i] -= mi;
                } else {
                    w[i] -= increment;
                }
            }
        };
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("rho", rho);
        config.put("momentum", momentum);
        config.put("epsilon", epsilon);
        config.put("centered", centered);
    }

    static RMSprop fromConfig(ConfigReader reader, LearningRateSchedule lr) {
        return new RMSprop(lr, reader.getDouble("rho", 0.9), reader.getDouble("momentum", 0.0),
                reader.getDouble("epsilon", 1e-7), reader.getBoolean("centered", false));
    }

    /** Fluent settings with Keras's defaults; {@link #build()} validates them. */
    public static final class Builder {
        private LearningRateSchedule learningRate = new ConstantLearningRate(0.001);
        private double rho = 0.9;
        private double momentum = 0.0;
        private double epsilon = 1e-7;
        private boolean centered = false;

        public Builder learningRate(double value) {
            this.learningRate = new ConstantLearningRate(value);
            return this;
        }

        public Builder learningRate(LearningRateSchedule schedule) {
            this.learningRate = schedule;
            return this;
        }

        public Builder rho(double value) {
            this.rho = value;
            return this;
        }

        public Builder momentum(double value) {
            this.momentum = value;
            return this;
        }

        public Builder epsilon(double value) {
            this.epsilon = value;
            return this;
        }

        public Builder centered(boolean value) {
            this.centered = value;
            return this;
        }

        public RMSprop build() {
            return new RMSprop(learningRate, rho, momentum, epsilon, centered);
        }
    }
}
