package io.orrery.spark.exec;

import io.orrery.ps.ExchangeWarmup;
import io.orrery.spark.ModelSpec;
import io.orrery.spark.ReplicableModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Training steps of a throwaway replica on synthetic data, each exchanged through a throwaway server in this JVM
 * ({@link ExchangeWarmup}), so that an executor's JIT has compiled the step's loops and the client's exchange code
 * before its first real step. The replica is built from the same spec as the tasks' and never reaches the real
 * server: nothing of it reaches the model. Its random numbers come from its own generator, not the layers' or ND4J's
 * shared ones.
 */
final class WarmupSteps {

    /**
     * Enough steps for C2 to compile the per-element loops (they run over batch x units elements per call); on the
     * reference MLP about 0.5 s of one core. The steps stop early when the first training task starts.
     */
    static final int MAX_STEPS = 60;

    private WarmupSteps() {
    }

    /** Runs at most {@link #MAX_STEPS} steps, fewer once {@code stop} says so; returns how many ran. */
    static int run(ModelSpec spec, int batch, boolean exchange, BooleanSupplier stop) {
        if (stop.getAsBoolean()) {
            return 0;
        }
        ReplicableModel replica = spec.build();
        long width = replica.inputWidth();
        Random random = new Random(42);
        float[] features = new float[Math.toIntExact(batch * width)];
        float[] labels = new float[batch];
        for (int i = 0; i < features.length; i++) {
            features[i] = random.nextFloat();
        }
        for (int i = 0; i < batch; i++) {
            labels[i] = random.nextInt(Math.max(1, replica.numClasses()));
        }
        INDArray x = Nd4j.create(features, new long[]{batch, width}, DataType.FLOAT);
        INDArray y = Nd4j.create(labels, new long[]{batch}, DataType.FLOAT);
        boolean viaServer = exchange && replica.optimizer() != null;
        try (ExchangeWarmup server = viaServer
                ? ExchangeWarmup.start(replica.parameters().length(), replica.optimizer()) : null) {
            int steps = 0;
            while (steps < MAX_STEPS && !stop.getAsBoolean()) {
                replica.computeGradients(x, y);
                if (server != null) {
                    server.step(replica.gradients());
                }
                steps++;
            }
            return steps;
        }
    }
}
