package io.orrery.ps.client;

import io.orrery.ps.client.ParameterAssembler.Want;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.time.Duration;

/**
 * ASYNC: a gradient is computed on the parameters held, and the worker waits for a version only once it has
 * computed {@link ParameterServerClient#GRADIENTS_PER_VERSION} gradients on the ones it holds. {@link BoundedWait}
 * adds the staleness bound through {@link #holdBack}.
 */
class AsyncWait implements WaitPolicy {

    final BroadcastReceiver receiver;
    private final ParameterAssembler assembler;
    /** Gradients pushed since the parameters held last changed. */
    private int gradientsOnHeld;

    AsyncWait(BroadcastReceiver receiver) {
        this.receiver = receiver;
        this.assembler = receiver.assembler();
    }

    @Override
    public long baseVersion(long step, int shard) {
        return Math.max(0, assembler.heldVersion(shard));
    }

    @Override
    public void awaitParameters(long step, INDArray flatParamsOut, Duration timeout) {
        receiver.receive(Want.AT_LEAST, assembler.oldestHeld() + 1, flatParamsOut, timeout);
        holdBack(step, flatParamsOut, timeout);
    }

    @Override
    public boolean nextParameters(long step, INDArray flatParamsOut, Duration timeout) {
        long before = assembler.oldestHeld();
        gradientsOnHeld++;
        if (gradientsOnHeld >= ParameterServerClient.GRADIENTS_PER_VERSION) {
            receiver.receive(Want.AT_LEAST, assembler.oldestHeld() + 1, flatParamsOut, timeout);
        }
        // Then every newer version that has arrived, up to the newest: taking one version per call would let a
        // worker that outpaces the server fall further behind it.
        receiver.receive(Want.NEWEST, assembler.oldestHeld() + 1, flatParamsOut, timeout);
        holdBack(step, flatParamsOut, timeout);
        // Counted per shard's oldest version: one shard moving on does not refresh a shard that lags.
        boolean fresh = assembler.oldestHeld() > before;
        if (fresh) {
            gradientsOnHeld = 0;
        }
        return fresh;
    }

    /** Waits further before the worker computes step {@code step + 1}; ASYNC does not. */
    void holdBack(long step, INDArray flatParamsOut, Duration timeout) {
    }
}
