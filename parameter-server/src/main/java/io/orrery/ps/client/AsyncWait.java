package io.orrery.ps.client;

import io.orrery.ps.client.ParameterAssembler.Want;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.time.Duration;
import java.util.Arrays;

/**
 * ASYNC: a gradient is computed on the parameters held, and the worker waits for a version only once it has
 * computed {@link ParameterServerClient#GRADIENTS_PER_VERSION} gradients on the ones it holds. {@link BoundedWait}
 * adds the staleness bound through {@link #holdBack}.
 *
 * <p>Pacing ({@link #holdBack}): a worker also keeps at most {@link #IN_FLIGHT} of its gradients unapplied. Counting
 * gradients per version alone does not bound them: each version applies one gradient, but every worker that sees it
 * may send two more, so when the server applies more slowly than the workers compute, the gradients queued at the
 * server grow by up to {@code 2N - 1} per version, and so does the staleness of every gradient applied (measured:
 * one worker, 100 steps: mean staleness 7, max 13; two workers, 600 steps each: mean 21, max 52, where it should
 * be a few versions; see docs/parameter-server.md). With the pacing the queue holds at most about
 * {@code IN_FLIGHT x N} gradients.
 */
class AsyncWait implements WaitPolicy {

    /** The most gradients of one worker sent and not yet applied before it computes another. */
    static final int IN_FLIGHT = ParameterServerClient.GRADIENTS_PER_VERSION;

    /**
     * A worker waiting for its gradient to be applied goes on when no new version has arrived for this long: the
     * server has then applied everything queued (no queue to grow), or a member that is stopped or dead holds the
     * slowest step until the server evicts it or it is silent past the worker timeout, and ASYNC does not wait for a
     * peer. Not shorter: a server descheduled that long on a loaded host (seen at 100 ms) let every worker send one
     * more gradient per escape, and staleness
     * went past {@code 4 x IN_FLIGHT x N} in 3 of 4 runs of the parameter-server suite at load 12-15 (AsyncPacingTest);
     * at 500 ms, 2 of 2 passed at load 6-9 with max staleness 8-9.
     */
    static final Duration IDLE = Duration.ofMillis(500);

    final BroadcastReceiver receiver;
    private final ParameterAssembler assembler;
    private final int workers;
    /** Gradients pushed since the parameters held last changed. */
    private int gradientsOnHeld;
    /** Step and base version (oldest over shards) of this worker's last {@link #IN_FLIGHT} gradients, by step. */
    private final long[] pushedStep = new long[IN_FLIGHT];
    private final long[] pushedBase = new long[IN_FLIGHT];

    AsyncWait(BroadcastReceiver receiver, int workers) {
        this.receiver = receiver;
        this.assembler = receiver.assembler();
        this.workers = workers;
        Arrays.fill(pushedStep, -1);
    }

    @Override
    public long baseVersion(long step, int shard) {
        if (shard == 0) {
            int slot = (int) Math.floorMod(step, (long) IN_FLIGHT);
            pushedStep[slot] = step;
            pushedBase[slot] = assembler.oldestHeld();
        }
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

    /**
     * Waits before the worker computes step {@code step + 1} until its gradient of step {@code step + 1 - IN_FLIGHT}
     * is applied or can be taken as applied: the server reports the slowest member at or past that step (then it
     * is applied, a worker's gradients are applied in order), or the parameters held are {@code IN_FLIGHT x N}
     * versions past the one that gradient was computed on (each worker then sends on average one gradient per N
     * versions, which the server applies one per version, so the queue cannot grow), or no version arrived for
     * {@link #IDLE}. Ends with the newest parameters in {@code flatParamsOut}.
     */
    void holdBack(long step, INDArray flatParamsOut, Duration timeout) {
        long earlier = step + 1 - IN_FLIGHT;
        int slot = (int) Math.floorMod(earlier, (long) IN_FLIGHT);
        if (earlier < 0 || pushedStep[slot] != earlier) {
            return; // not sent by this client (the first steps, or before a rejoin)
        }
        long target = pushedBase[slot] + (long) IN_FLIGHT * workers;
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (assembler.minWorkerStep() < earlier && assembler.oldestHeld() < target) {
            if (System.nanoTime() - deadlineNs >= 0) {
                return; // the wait for the version itself reports a server that stopped; pacing never fails a step
            }
            try {
                receiver.receive(Want.AT_LEAST, assembler.oldestHeld() + 1, flatParamsOut, IDLE);
            } catch (ParameterServerTimeoutException idle) {
                return;
            }
        }
    }
}
