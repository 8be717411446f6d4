package io.orrery.ps.server;

import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.transport.SharedDriver;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A worker pushes its last step's gradient and leaves at once, over UDP loopback. The Leave travels on the control
 * stream and is handled by the control agent, the chunks on the shard streams by the shard agents: a small Leave
 * is often handled while a shard is still reading the chunks sent before it. Those chunks were sent by a member
 * and count for the step; the step completes with exactly their sum, neither without them nor stalled.
 *
 * <p>The gradients are large (about 1.2 MB per worker, hundreds of chunks per shard) so that the shards take
 * milliseconds to read them while the Leave takes microseconds; many rounds make the ordering certain to occur
 * (before the fix, the first round or two already lost the leaver's chunks). The workers share one media driver
 * that outlives the leaver's client, as the tasks of a Spark executor do, so that closing the client loses nothing
 * it sent.
 */
class LeaveRaceTest {

    static final int N = 300_000;
    static final int ROUNDS = 12;

    static ClientConfig.Builder client(ParameterServer server, int port) {
        return ClientConfig.builder().jobId(server.config().jobId()).token(server.token()).udp("127.0.0.1", port)
                .mtu(1408).sharedDriver(true);
    }

    static ParameterServer start(int port) {
        return ParameterServer.start(ParameterServerConfig.builder().workers(2).shards(2)
                .initialParameters(Nd4j.zeros(DataType.FLOAT, N)).optimizer(new SGD(1.0))
                .stepTimeout(Duration.ofSeconds(10)).udp("127.0.0.1", port).mtu(1408).build());
    }

    @Test
    void chunksSentBeforeALeaveCountForTheStepWhileTheOtherWorkerStays() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray ones = Nd4j.ones(DataType.FLOAT, N);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ParameterServer server = start(port);
             ParameterServerClient stayer = ParameterServerClient.connect(client(server, port).build())) {
            INDArray p = Nd4j.zeros(DataType.FLOAT, N);
            stayer.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
            for (int round = 0; round < ROUNDS; round++) {
                long step = round;
                try (ParameterServerClient leaver = ParameterServerClient.connect(client(server, port).build())) {
                    // Both read the parameters at once (the broadcast goes at the pace of its slowest reader), then
                    // push step r; the leaver leaves right after its push, while the step is in progress.
                    Future<?> waiting = pool.submit(() -> {
                        stayer.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
                        stayer.pushGradients(step, ones);
                        stayer.awaitParameters(step, p, IpcRoundTripTest.WAIT);
                        return null;
                    });
                    leaver.awaitInitialParameters(Nd4j.zeros(DataType.FLOAT, N), IpcRoundTripTest.WAIT);
                    leaver.pushGradients(step, ones.mul(3));
                    leaver.close(); // Leave right after the push
                    waiting.get();
                }
                // (1 + 3) / 2 per step: the leaver's gradient is in every value of every step.
                assertAll(p, -2f * (step + 1), "step " + step + ", " + server.stats().line());
            }
            assertEquals(0, server.stats().failedSteps(), server.stats().line());
            assertEquals(0, server.stats().drops().count(DropReason.UNKNOWN_WORKER), server.stats().drops().summary());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void chunksSentBeforeTheLastMembersLeaveCountForTheStep() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray ones = Nd4j.ones(DataType.FLOAT, N);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        // The test's own use of the shared driver keeps it running while every worker of a round has closed.
        try (SharedDriver.Lease keep = SharedDriver.acquire(4 << 20, 1);
             ParameterServer server = start(port)) {
            for (int round = 0; round < ROUNDS / 2; round++) {
                long step = round;
                // A Spark stage of one step: both join, push and leave at once; the job is empty after it.
                List<Future<?>> workers = new ArrayList<>();
                for (int id = 0; id < 2; id++) {
                    int workerId = id;
                    workers.add(pool.submit(() -> {
                        try (ParameterServerClient w = ParameterServerClient.connect(
                                client(server, port).workerId(workerId).build())) {
                            w.awaitInitialParameters(Nd4j.zeros(DataType.FLOAT, N), IpcRoundTripTest.WAIT);
                            w.pushGradients(step, ones.mul(1 + 2 * workerId));
                        }
                        return null;
                    }));
                }
                for (Future<?> w : workers) {
                    w.get();
                }
                awaitApplied(server, 2 * (step + 1)); // every step on both shards
                assertAll(server.parameters(), -2f * (step + 1), "step " + step + ", " + server.stats().line());
            }
            assertEquals(0, server.stats().failedSteps(), server.stats().line());
        } finally {
            pool.shutdownNow();
        }
    }

    static void awaitApplied(ParameterServer server, long shardSteps) throws InterruptedException {
        long deadline = System.nanoTime() + IpcRoundTripTest.WAIT.toNanos();
        while (server.stats().stepsApplied() < shardSteps) {
            if (System.nanoTime() > deadline) {
                fail(shardSteps + " shard steps not applied: " + server.stats().line()
                        + " drops: " + server.stats().drops().summary());
            }
            Thread.sleep(5);
        }
    }

    /** Every value equals {@code expected}; otherwise names how many differ and the first. */
    static void assertAll(INDArray values, float expected, String what) {
        float[] v = values.toFloatVector();
        int wrong = 0;
        int first = -1;
        for (int i = 0; i < v.length; i++) {
            if (v[i] != expected) {
                wrong++;
                first = first < 0 ? i : first;
            }
        }
        assertTrue(wrong == 0, what + ": " + wrong + " of " + v.length + " values differ from " + expected
                + (first < 0 ? "" : ", first at " + first + " = " + v[first]));
    }
}
