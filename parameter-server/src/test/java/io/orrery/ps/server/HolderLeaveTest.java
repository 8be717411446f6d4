package io.orrery.ps.server;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.client.StepFailedException;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.WorkerProxy;
import io.orrery.ps.transport.Channels;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership messages against a real SYNC server over {@code aeron:ipc}: only the holder of an id can make it leave,
 * and no Leave holds a step for longer than one step timeout (issue 12).
 */
class HolderLeaveTest {

    static final int N = 3000;

    static WorkerProxy proxy(ParameterServer server) {
        return new WorkerProxy(server.config().jobId(), server.token(), 1024, new BackoffIdleStrategy(), 1_000_000_000L);
    }

    @Test
    void aLeaveFromAnotherSenderLeavesTheStepWaitingForTheHolderAndCountsIt() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        INDArray g = Nd4j.ones(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ProtocolHolesTest.sync(2, init).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server));
             ParameterServerClient w1 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server));
             Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(server.aeronDirectory()))) {
            INDArray p0 = Nd4j.zeros(DataType.FLOAT, N);
            w0.awaitInitialParameters(p0, IpcRoundTripTest.WAIT);
            w1.awaitInitialParameters(Nd4j.zeros(DataType.FLOAT, N), IpcRoundTripTest.WAIT);
            w0.pushGradients(0, g);
            // A stranger with the job's token says worker 1 leaves: had it been believed, the step would complete
            // at once with worker 0 alone.
            Publication stranger = aeron.addExclusivePublication("aeron:ipc?mtu=8192", Channels.CONTROL_STREAM_ID);
            proxy(server).leave(stranger, w1.workerId());
            ProtocolHolesTest.awaitDrops(server, DropReason.WRONG_SENDER, 1);
            ProtocolHolesTest.sleep(300);
            assertEquals(0, server.version(), "the step must still wait for worker 1, which did not leave");
            w1.pushGradients(0, g.mul(3));
            w0.awaitParameters(0, p0, IpcRoundTripTest.WAIT);
            assertArrayEquals(init.sub(2f).toFloatVector(), p0.toFloatVector(), 1e-6f);
        }
    }

    @Test
    void aStepWaitsForTheLastChunksALeaverAnnouncedForOneTimeoutOnly() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        INDArray g = Nd4j.ones(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ProtocolHolesTest.sync(2, init).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server));
             Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(server.aeronDirectory()))) {
            INDArray p0 = Nd4j.zeros(DataType.FLOAT, N);
            w0.awaitInitialParameters(p0, IpcRoundTripTest.WAIT);
            // Worker 1 joins, says it pushed step 0 and leaves, all on one stream (handled in that order); its
            // chunks never come, as when its process died with them unsent.
            Publication control = aeron.addExclusivePublication("aeron:ipc?mtu=8192", Channels.CONTROL_STREAM_ID);
            WorkerProxy worker1 = proxy(server);
            worker1.join(control, 42L, 1, "vanishing-worker");
            worker1.heartbeat(control, 1, 0);
            worker1.leave(control, 1);
            long start = System.nanoTime();
            w0.pushGradients(0, g);
            StepFailedException failed = assertThrows(StepFailedException.class,
                    () -> w0.awaitParameters(0, p0, IpcRoundTripTest.WAIT));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(failed.getMessage().contains("no gradient from workers [1 "), failed.getMessage());
            assertTrue(waitedMs >= 1500 && waitedMs < 10_000, "the step waited " + waitedMs + " ms, timeout 2000");
            // The step sent again goes on without the chunks that never came, well within the step timeout.
            w0.pushGradients(0, g);
            w0.awaitParameters(0, p0, Duration.ofSeconds(1));
            assertArrayEquals(init.sub(1f).toFloatVector(), p0.toFloatVector(), 1e-6f);
            assertEquals(2, server.stats().failedSteps(), "step 0 failed once on each of the 2 shards, "
                    + server.stats().line());
        }
    }
}
