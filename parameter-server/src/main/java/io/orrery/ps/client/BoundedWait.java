package io.orrery.ps.client;

import io.orrery.ps.client.ParameterAssembler.Want;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.time.Duration;

/**
 * BOUNDED(s): ASYNC, and then the worker waits until the slowest member (as the server reports it with every
 * parameter chunk) is at most s steps behind it. That wait replaces ASYNC's pacing ({@link AsyncWait#holdBack}): the
 * slowest member's steps count applied gradients, so it bounds this worker's unapplied ones too.
 */
final class BoundedWait extends AsyncWait {

    /** Longest receive between two looks at the slowest member's step. */
    private static final long SLICE_NS = 100_000_000L;

    private final int bound;

    BoundedWait(BroadcastReceiver receiver, int workers, int bound) {
        super(receiver, workers);
        this.bound = bound;
    }

    @Override
    void holdBack(long step, INDArray flatParamsOut, Duration timeout) {
        ParameterAssembler assembler = receiver.assembler();
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (assembler.minWorkerStep() < step - bound) {
            if (System.nanoTime() - deadlineNs >= 0) {
                throw new ParameterServerTimeoutException("bounded staleness wait timed out: workerId="
                        + receiver.workerId() + " step=" + step + " bound=" + bound + " slowestWorkerStep="
                        + assembler.minWorkerStep() + " server=" + receiver.serverDescription());
            }
            try {
                // In slices: the slowest step can also move on a version this worker holds (a republish when a
                // member falls silent), which ends no wait for a newer one.
                receiver.receive(Want.AT_LEAST, assembler.oldestHeld() + 1, flatParamsOut,
                        Duration.ofNanos(Math.max(1, Math.min(SLICE_NS, deadlineNs - System.nanoTime()))));
            } catch (ParameterServerTimeoutException e) {
                // loop re-checks the deadline and reports the staleness wait
            }
            receiver.checkCancelled(step);
        }
    }
}
