package io.orrery.ps.client;

import io.orrery.ps.TrainingMode;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.time.Duration;

/**
 * What a worker waits for after pushing a gradient, one implementation per {@link TrainingMode}: {@link SyncWait},
 * {@link AsyncWait}, {@link BoundedWait}. Adding a mode is adding one class here (and its aggregator on the server).
 */
interface WaitPolicy {

    /** The policy of {@code mode} in a job of {@code workers} workers, polling through {@code receiver}. */
    static WaitPolicy forMode(TrainingMode mode, int workers, BroadcastReceiver receiver) {
        if (mode instanceof TrainingMode.Bounded bounded) {
            return new BoundedWait(receiver, workers, bounded.steps());
        }
        return mode.isSync() ? new SyncWait(receiver) : new AsyncWait(receiver, workers);
    }

    /** The parameter version the gradient of {@code step} for {@code shard} says it was computed on. */
    long baseVersion(long step, int shard);

    /** The parameters that follow {@code step} ({@link ParameterServerClient#awaitParameters}). */
    void awaitParameters(long step, INDArray flatParamsOut, Duration timeout);

    /** The parameters to compute the next step on ({@link ParameterServerClient#nextParameters}). */
    boolean nextParameters(long step, INDArray flatParamsOut, Duration timeout);
}
