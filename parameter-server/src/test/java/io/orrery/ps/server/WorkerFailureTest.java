package io.orrery.ps.server;

import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.client.ParameterServerTimeoutException;
import io.orrery.ps.client.StepFailedException;
import io.orrery.ps.protocol.DropReason;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Membership and failure: no silent hang, no partial step applied without saying so, rejoin continues. */
class WorkerFailureTest {

    static final int N = 3000;

    static ParameterServerConfig.Builder twoWorkers(INDArray init, WorkerTimeoutPolicy policy) {
        return ParameterServerConfig.builder().workers(2).shards(2).initialParameters(init).optimizer(new SGD(1.0))
                .stepTimeout(Duration.ofMillis(400)).timeoutPolicy(policy);
    }

    @Test
    void failStepPolicyTellsWaitingWorkersWhoIsMissingAndTheStepCanBeRetried() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(twoWorkers(init, WorkerTimeoutPolicy.FAIL_STEP).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server));
             ParameterServerClient w1 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            INDArray p0 = Nd4j.zeros(DataType.FLOAT, N);
            INDArray p1 = Nd4j.zeros(DataType.FLOAT, N);
            w0.awaitInitialParameters(p0, IpcRoundTripTest.WAIT);
            w1.awaitInitialParameters(p1, IpcRoundTripTest.WAIT);
            INDArray g = Nd4j.ones(DataType.FLOAT, N);
            w0.pushGradients(0, g);
            StepFailedException failed = assertThrows(StepFailedException.class,
                    () -> w0.awaitParameters(0, p0, IpcRoundTripTest.WAIT));
            assertTrue(failed.getMessage().contains("workers [1 ("), failed.getMessage());
            assertEquals(0, failed.step());
            assertEquals(0, server.version());
            assertArrayEquals(init.toFloatVector(), server.parameters().toFloatVector());
            assertTrue(server.stats().failedSteps() >= 1);

            // Both send step 0 again: applied exactly once.
            w0.pushGradients(0, g);
            w1.pushGradients(0, g.mul(3));
            w0.awaitParameters(0, p0, IpcRoundTripTest.WAIT);
            assertArrayEquals(init.sub(2.0).toFloatVector(), p0.toFloatVector(), 1e-6f);
        }
    }

    @Test
    void continueRescaledPolicyAveragesOverWorkersPresentAndDropsTheLateOne() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(twoWorkers(init, WorkerTimeoutPolicy.CONTINUE_RESCALED).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server));
             ParameterServerClient w1 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            INDArray p0 = Nd4j.zeros(DataType.FLOAT, N);
            w0.awaitInitialParameters(p0, IpcRoundTripTest.WAIT);
            w0.pushGradients(0, Nd4j.ones(DataType.FLOAT, N).muli(0.5));
            w0.awaitParameters(0, p0, IpcRoundTripTest.WAIT);
            assertArrayEquals(init.sub(0.5).toFloatVector(), p0.toFloatVector(), 1e-6f);
            assertEquals(2, server.stats().partialSteps()); // one per shard
            w1.pushGradients(0, Nd4j.ones(DataType.FLOAT, N));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.stats().drops().count(DropReason.LATE) == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(server.stats().drops().count(DropReason.LATE) > 0);
            assertArrayEquals(init.sub(0.5).toFloatVector(), server.parameters().toFloatVector(), 1e-6f);
        }
    }

    @Test
    void awaitDeadlineNamesTheMissingShardsAndTheServer() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(twoWorkers(init, WorkerTimeoutPolicy.FAIL_STEP)
                .stepTimeout(Duration.ofSeconds(30)).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            INDArray p0 = Nd4j.zeros(DataType.FLOAT, N);
            w0.awaitInitialParameters(p0, IpcRoundTripTest.WAIT);
            w0.pushGradients(0, Nd4j.ones(DataType.FLOAT, N));
            ParameterServerTimeoutException e = assertThrows(ParameterServerTimeoutException.class,
                    () -> w0.awaitParameters(0, p0, Duration.ofMillis(300)));
            assertTrue(e.getMessage().contains("version=1"), e.getMessage());
            assertTrue(e.getMessage().contains("missing=[shard 0 (0/"), e.getMessage());
            assertTrue(e.getMessage().contains(server.aeronDirectory()), e.getMessage());
        }
    }

    @Test
    void aWorkerThatStopsSendingIsReported() throws InterruptedException {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(twoWorkers(init, WorkerTimeoutPolicy.FAIL_STEP)
                .workerTimeout(Duration.ofMillis(300)).build());
             ParameterServerClient quiet = ParameterServerClient.connect(ClientConfig.builder()
                     .jobId(server.config().jobId()).token(server.token()).ipc(server.aeronDirectory())
                     .heartbeatInterval(Duration.ofSeconds(60)).build())) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.stats().silentWorkerReports() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, server.stats().silentWorkerReports());
            assertTrue(server.stats().line().contains("silentWorkerReports=1"), server.stats().line());
        }
    }

    @Test
    void wrongTokenIsRejectedWithAClearMessage() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(twoWorkers(init, WorkerTimeoutPolicy.FAIL_STEP).build())) {
            ClientConfig bad = ClientConfig.builder().jobId(server.config().jobId()).token(server.token() ^ 1)
                    .ipc(server.aeronDirectory()).build();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ParameterServerClient.connect(bad));
            assertTrue(e.getMessage().contains("wrong token"), e.getMessage());
            assertEquals(1, server.stats().drops().count(DropReason.BAD_TOKEN));
        }
    }

    @Test
    void rejoiningWorkerReceivesCurrentParametersAndContinues() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(1).shards(2)
                .initialParameters(init).optimizer(new SGD(1.0)).build())) {
            INDArray params = Nd4j.zeros(DataType.FLOAT, N);
            try (ParameterServerClient first = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
                first.awaitInitialParameters(params, IpcRoundTripTest.WAIT);
                first.pushGradients(0, Nd4j.ones(DataType.FLOAT, N));
                first.awaitParameters(0, params, IpcRoundTripTest.WAIT);
            }
            ClientConfig again = ClientConfig.builder().jobId(server.config().jobId()).token(server.token())
                    .ipc(server.aeronDirectory()).workerId(0).build();
            try (ParameterServerClient second = ParameterServerClient.connect(again)) {
                assertEquals(0, second.workerId());
                assertEquals(1, second.startStep());
                INDArray fresh = Nd4j.zeros(DataType.FLOAT, N);
                second.awaitInitialParameters(fresh, IpcRoundTripTest.WAIT);
                assertArrayEquals(params.toFloatVector(), fresh.toFloatVector());
                second.pushGradients(1, Nd4j.ones(DataType.FLOAT, N));
                second.awaitParameters(1, fresh, IpcRoundTripTest.WAIT);
                assertArrayEquals(init.sub(2.0).toFloatVector(), fresh.toFloatVector(), 1e-6f);
            }
        }
    }
}
