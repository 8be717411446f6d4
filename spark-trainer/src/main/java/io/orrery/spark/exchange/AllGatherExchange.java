package io.orrery.spark.exchange;

import io.orrery.spark.ReplicableModel;
import org.apache.spark.BarrierTaskContext;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * Synchronous exchange without a parameter server: every step, each worker all-gathers all workers' gradients
 * through Spark's barrier RPC ({@link BarrierTaskContext#allGather}), averages them in worker order (so every
 * replica computes bit-identical sums) and applies its own copy of the optimizer. All replicas stay identical, and
 * the result equals one worker on the global batch (DESIGN.md invariant 2).
 *
 * <p>The gradients travel as Base64 text through the driver, so this suits small models and tests; the parameter
 * server is the fast path.
 */
public final class AllGatherExchange implements GradientExchange {

    private final BarrierTaskContext context;
    private final ReplicableModel replica;
    private final float[] sum;
    private final ByteBuffer bytes;

    private AllGatherExchange(BarrierTaskContext context, ReplicableModel replica) {
        this.context = context;
        this.replica = replica;
        int length = Math.toIntExact(replica.gradients().length());
        this.sum = new float[length];
        this.bytes = ByteBuffer.allocate(length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The factory to pass to the trainer. */
    public static ExchangeFactory factory() {
        return AllGatherExchange::new;
    }

    @Override
    public long join(long plannedStep) {
        return plannedStep;
    }

    @Override
    public void exchange(long step) {
        INDArray gradients = replica.gradients();
        bytes.clear();
        bytes.asFloatBuffer().put(gradients.toFloatVector());
        String[] all;
        try {
            all = context.allGather(Base64.getEncoder().encodeToString(bytes.array()));
        } catch (RuntimeException e) {
            throw new ExchangeException("all-gather failed: step=" + step + " worker=" + context.partitionId(), e);
        }
        Arrays.fill(sum, 0f);
        for (String message : all) {
            FloatBuffer received = ByteBuffer.wrap(Base64.getDecoder().decode(message))
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            if (received.remaining() != sum.length) {
                throw new ExchangeException("gradient length mismatch: expected=" + sum.length + " found="
                        + received.remaining() + " step=" + step);
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += received.get(i);
            }
        }
        float scale = 1f / all.length;
        for (int i = 0; i < sum.length; i++) {
            sum[i] *= scale;
        }
        gradients.assign(Nd4j.createFromArray(sum));
        replica.applyGradients();
    }

    @Override
    public void close() {
        // Nothing held beyond the task.
    }
}
