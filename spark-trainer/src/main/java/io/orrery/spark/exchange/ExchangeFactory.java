package io.orrery.spark.exchange;

import io.orrery.spark.ReplicableModel;
import org.apache.spark.BarrierTaskContext;

import java.io.Serializable;

/** Made on the driver, shipped to every task, opens that task's {@link GradientExchange}. */
@FunctionalInterface
public interface ExchangeFactory extends Serializable {

    /**
     * @param context the barrier task (its partition id is the worker index)
     * @param replica the task's model, whose gradient and parameter buffers the exchange reads and writes
     */
    GradientExchange open(BarrierTaskContext context, ReplicableModel replica);
}
