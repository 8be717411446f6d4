package io.orrery.ps.client;

import io.orrery.ps.transport.DriverDemand;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.time.Duration;

/**
 * A worker's waits over UDP, with its demand on the media drivers raised from the push of a gradient until it holds
 * the next parameters ({@link DriverDemand}: the drivers in this JVM then yield instead of napping, so the
 * broadcast is read from the socket as it comes).
 */
final class DemandingWait implements WaitPolicy {

    private final WaitPolicy waits;
    private final DriverDemand.Flag waiting;

    private DemandingWait(WaitPolicy waits, DriverDemand.Flag waiting) {
        this.waits = waits;
        this.waiting = waiting;
    }

    /** {@code waits}, raising the demand of {@code connections} (lowered when they close) if it carries traffic. */
    static WaitPolicy over(ServerConnections connections, WaitPolicy waits) {
        return connections.waiting() == null ? waits : new DemandingWait(waits, connections.waiting());
    }

    @Override
    public long baseVersion(long step, int shard) {
        waiting.raise(); // the push of a gradient has begun
        return waits.baseVersion(step, shard);
    }

    @Override
    public void awaitParameters(long step, INDArray flatParamsOut, Duration timeout) {
        try {
            waits.awaitParameters(step, flatParamsOut, timeout);
        } finally {
            waiting.lower();
        }
    }

    @Override
    public boolean nextParameters(long step, INDArray flatParamsOut, Duration timeout) {
        try {
            return waits.nextParameters(step, flatParamsOut, timeout);
        } finally {
            waiting.lower();
        }
    }
}
