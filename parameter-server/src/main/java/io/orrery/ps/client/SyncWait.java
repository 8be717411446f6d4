package io.orrery.ps.client;

import io.orrery.ps.client.ParameterAssembler.Want;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.time.Duration;

/** SYNC: the gradient of step t is computed on version t, and the worker waits for exactly version t + 1. */
final class SyncWait implements WaitPolicy {

    private final BroadcastReceiver receiver;

    SyncWait(BroadcastReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public long baseVersion(long step, int shard) {
        return step;
    }

    @Override
    public void awaitParameters(long step, INDArray flatParamsOut, Duration timeout) {
        receiver.receive(Want.EXACT, step + 1, flatParamsOut, timeout);
    }

    @Override
    public boolean nextParameters(long step, INDArray flatParamsOut, Duration timeout) {
        awaitParameters(step, flatParamsOut, timeout);
        return true;
    }
}
