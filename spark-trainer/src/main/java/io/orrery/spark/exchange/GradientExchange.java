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
     * @return the step to continue from (a server may be ahead after a retried stage: in SYNC its version, in ASYNC
     *     and BOUNDED the first step number it takes from this worker); on return the replica's parameters hold
     *     the server's current values
     */
    long join(long plannedStep);

    /**
     * Sends this worker's gradient of {@code step} and waits for the parameters of step + 1.
     *
     * @throws ExchangeException when the exchange fails (peer or server gone, timeout)
     */
    void exchange(long step);

    /** Nanoseconds spent sending gradients (0 if the exchange does not measure it). */
    default long sendNanos() {
        return 0;
    }

    /** Nanoseconds spent waiting for the step's parameters after sending: others, aggregation, the transfer. */
    default long waitNanos() {
        return 0;
    }

    /** Gradient payload bytes sent (0 if not counted). */
    default long bytesSent() {
        return 0;
    }

    /** Parameter payload bytes received (0 if not counted). */
    default long bytesReceived() {
        return 0;
    }

    /**
     * With parameter-server shards colocated on the workers: the flat parameters of the shard this task hosted,
     * after the stage's last step, for the driver to join; null (the default) when the task hosts no shard.
     */
    default float[] hostedParameters() {
        return null;
    }

    /** The hosted shard's optimizer state in core's format, after {@link #hostedParameters()}; null by default. */
    default byte[] hostedOptimizerState() {
        return null;
    }

    /** Idempotent. */
    @Override
    void close();
}
