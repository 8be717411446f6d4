package io.orrery.ps.server;

import io.orrery.core.optimizers.SGD;
import io.orrery.ps.TrainingMode;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.protocol.DropReason;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker that joins under an id another process used before (a retried Spark task, a restarted worker) learns from
 * the JoinAck where the id's ASYNC/BOUNDED numbering goes on: a server drops a step number the id already used as
 * late, so numbering from 0 again would never be applied. Numbers used before stay late: nothing is applied twice.
 */
class RejoinNumberingTest {

    static final int N = 4000;
    static final int SHARDS = 2;

    private static ClientConfig asWorker(ParameterServer server, int id) {
        return ClientConfig.builder().jobId(server.config().jobId()).token(server.token())
                .ipc(server.aeronDirectory()).workerId(id).build();
    }

    private static void await(BooleanSupplier done, ParameterServer server) throws InterruptedException {
        long deadline = System.nanoTime() + IpcRoundTripTest.WAIT.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(done.getAsBoolean(), server.stats().line());
    }

    @Test
    void asyncWorkerRejoiningUnderItsIdGoesOnFromTheStepTheServerExpects() throws InterruptedException {
        checkRejoinNumbering(TrainingMode.ASYNC);
    }

    @Test
    void boundedWorkerRejoiningUnderItsIdGoesOnFromTheStepTheServerExpects() throws InterruptedException {
        checkRejoinNumbering(TrainingMode.bounded(8));
    }

    private void checkRejoinNumbering(TrainingMode mode) throws InterruptedException {
        INDArray ones = Nd4j.ones(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(2).shards(SHARDS)
                .mode(mode).initialParameters(Nd4j.zeros(DataType.FLOAT, N)).optimizer(new SGD(1.0)).build())) {
            INDArray p = Nd4j.zeros(DataType.FLOAT, N);
            try (ParameterServerClient first = ParameterServerClient.connect(asWorker(server, 1))) {
                assertEquals(0, first.nextOwnStep(), "a new id starts at 0");
                first.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
                for (int step = 0; step < 5; step++) {
                    first.pushGradients(step, ones);
                    first.nextParameters(step, p, IpcRoundTripTest.WAIT);
                }
            } // gone, as a lost executor's task is
            await(() -> server.stats().stepsApplied() == 5 * SHARDS, server);

            try (ParameterServerClient again = ParameterServerClient.connect(asWorker(server, 1));
                 ParameterServerClient other = ParameterServerClient.connect(asWorker(server, 0))) {
                assertEquals(5, again.nextOwnStep(), "the id's steps 0..4 were applied");
                assertEquals(0, other.nextOwnStep(), "another id keeps its own numbering");
                again.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
                again.pushGradients(again.nextOwnStep(), ones);
                again.awaitParameters(again.nextOwnStep(), p, IpcRoundTripTest.WAIT);
                await(() -> server.stats().stepsApplied() == 6 * SHARDS, server);
                assertEquals(0, server.stats().drops().count(DropReason.LATE), server.stats().drops().summary());

                // A number the id used before is still refused on every shard: no (step, worker) twice.
                again.pushGradients(3, ones);
                await(() -> server.stats().drops().count(DropReason.LATE) == SHARDS, server);
                assertEquals(6 * SHARDS, server.stats().stepsApplied());
                // Six gradients of ones, each scaled by 1/2 workers, SGD at rate 1.
                assertArrayEquals(Nd4j.zeros(DataType.FLOAT, N).sub(3.0).toFloatVector(),
                        server.parameters().toFloatVector(), 1e-6f);
            }
        }
    }

    @Test
    void syncRejoinStillStartsAtTheServersVersion() throws InterruptedException {
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(1).shards(SHARDS)
                .mode(TrainingMode.SYNC).initialParameters(Nd4j.zeros(DataType.FLOAT, N)).optimizer(new SGD(1.0))
                .build())) {
            INDArray p = Nd4j.zeros(DataType.FLOAT, N);
            try (ParameterServerClient first = ParameterServerClient.connect(asWorker(server, 0))) {
                first.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
                for (int step = 0; step < 3; step++) {
                    first.pushGradients(step, Nd4j.ones(DataType.FLOAT, N));
                    first.awaitParameters(step, p, IpcRoundTripTest.WAIT);
                }
            }
            try (ParameterServerClient again = ParameterServerClient.connect(asWorker(server, 0))) {
                again.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
                assertEquals(3, again.startStep());
                assertEquals(3, again.nextOwnStep(), "in SYNC the server answers its version");
            }
        }
    }
}
