package io.orrery.spark.exchange;

/**
 * One worker's side of the gradient exchange of a synchronous step: the worker puts its batch-mean gradient in the
 * replica's gradient buffer, calls {@link #exchange(long)}, and finds the parameters after the step in the replica's
 * parameter buffer. The trainer depends only on this, so the transport (Spark RPC, Aeron) can change underneath.
 */
public interface GradientExchange extends AutoCloseable {

    /**
     * Joins the job.
     *
     * @param plannedStep the step the driver expects this stage to start at
     * @return the step to continue from (a server may be ahead after a retried stage); on return the replica's
     *     parameters hold that step's values
     */
    long join(long plannedStep);

    /**
     * Sends this worker's gradient of {@code step} and waits for the parameters of step + 1.
     *
     * @throws ExchangeException when the exchange fails (peer or server gone, timeout)
     */
    void exchange(long step);

    /** Idempotent. */
    @Override
    void close();
}
