package io.orrery.ps.server;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.client.StepFailedException;
import io.orrery.ps.client.WorkerEvictedException;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.WorkerProxy;
import io.orrery.ps.protocol.sbe.GradientChunkEncoder;
import io.orrery.ps.protocol.sbe.JoinAckDecoder;
import io.orrery.ps.protocol.sbe.MessageHeaderDecoder;
import io.orrery.ps.protocol.sbe.MessageHeaderEncoder;
import io.orrery.ps.protocol.sbe.Encoding;
import io.orrery.ps.transport.Channels;
import io.orrery.ps.transport.NativeFloats;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One test per protocol hole of issue 12, each against a real server over {@code aeron:ipc}: sums of trusted
 * values, canonical payloads and step windows, identity and membership, and a control path that never blocks.
 */
class ProtocolHolesTest {

    static final int N = 3000;

    static ParameterServerConfig.Builder sync(int workers, INDArray init) {
        return ParameterServerConfig.builder().workers(workers).shards(2).initialParameters(init)
                .optimizer(new SGD(1.0)).stepTimeout(Duration.ofSeconds(2));
    }

    /** A gradient of zeros with {@code value} at element 7: finite, but two of them overflow float32 when summed. */
    static INDArray spike(float value) {
        INDArray g = Nd4j.zeros(DataType.FLOAT, N);
        g.putScalar(7, value);
        return g;
    }

    @Test
    void largeFiniteValuesThatOverflowWhenSummedFailTheStepNamingTheWorkers() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(sync(2, init).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server));
             ParameterServerClient w1 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            INDArray p0 = Nd4j.zeros(DataType.FLOAT, N);
            w0.awaitInitialParameters(p0, IpcRoundTripTest.WAIT);
            w1.awaitInitialParameters(Nd4j.zeros(DataType.FLOAT, N), IpcRoundTripTest.WAIT);
            w0.pushGradients(0, spike(3e38f));
            w1.pushGradients(0, spike(3e38f));
            StepFailedException failed = assertThrows(StepFailedException.class,
                    () -> w0.awaitParameters(0, p0, IpcRoundTripTest.WAIT));
            assertTrue(failed.getMessage().contains("not finite"), failed.getMessage());
            assertTrue(failed.getMessage().contains("[0 (") && failed.getMessage().contains(", 1 ("),
                    "names both workers: " + failed.getMessage());
            assertEquals(0, server.version());
            assertTrue(server.stats().nonFiniteSteps() >= 1);
            // Shard 1's sum (zeros) was finite and applied; shard 0 kept its parameters: all finite.
            assertArrayEquals(init.toFloatVector(), server.parameters().toFloatVector());
            assertTrue(allFinite(server.parameters()));
        }
    }

    @Test
    void anOptimizerThatOverflowsAFiniteGradientFailsTheStepAndPublishesNothingNonFinite() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(sync(1, init).optimizer(new SGD(10.0)).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            INDArray p0 = Nd4j.zeros(DataType.FLOAT, N);
            w0.awaitInitialParameters(p0, IpcRoundTripTest.WAIT);
            w0.pushGradients(0, spike(3e38f)); // finite, but 10 x 3e38 is not
            StepFailedException failed = assertThrows(StepFailedException.class,
                    () -> w0.awaitParameters(0, p0, IpcRoundTripTest.WAIT));
            assertTrue(failed.getMessage().contains("optimizer overflowed"), failed.getMessage());
            assertTrue(server.stats().nonFiniteSteps() >= 1);
            assertFalse(allFinite(server.parameters()), "the shard's own copy overflowed");
            assertArrayEquals(init.toFloatVector(), p0.toFloatVector(), "the worker kept its finite parameters");
        }
    }

    @Test
    void skipPolicyMovesTheVersionOnWithTheParametersUnchanged() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(sync(2, init)
                .nonFinitePolicy(NonFiniteStepPolicy.SKIP_STEP).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server));
             ParameterServerClient w1 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            INDArray p0 = Nd4j.zeros(DataType.FLOAT, N);
            w0.awaitInitialParameters(p0, IpcRoundTripTest.WAIT);
            w1.awaitInitialParameters(Nd4j.zeros(DataType.FLOAT, N), IpcRoundTripTest.WAIT);
            w0.pushGradients(0, spike(-3e38f));
            w1.pushGradients(0, spike(-3e38f));
            w0.awaitParameters(0, p0, IpcRoundTripTest.WAIT);
            assertArrayEquals(init.toFloatVector(), p0.toFloatVector());
            assertEquals(1, server.version());
            assertEquals(1, server.stats().nonFiniteSteps()); // shard 0 (element 7); shard 1 applied its zeros
        }
    }

    @Test
    void stepsFarAheadOfTheVersionAreNotCanonicalEvenWithAValidTokenAndSender() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(1).shards(1)
                .initialParameters(init).optimizer(new SGD(1.0)).mode(io.orrery.ps.TrainingMode.ASYNC).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            w0.awaitInitialParameters(Nd4j.zeros(DataType.FLOAT, N), IpcRoundTripTest.WAIT);
            Publication own = BadInputTest.workerShardPublication(w0);
            for (long step : new long[]{ShardAgent.MAX_STEPS_AHEAD + 1, Long.MAX_VALUE, -5}) {
                send(own, chunk(server, w0.workerId(), step, 0));
            }
            awaitDrops(server, DropReason.NOT_CANONICAL, 3);
            assertEquals(0, server.version());
            assertArrayEquals(init.toFloatVector(), server.parameters().toFloatVector());
        }
    }

    @Test
    void sparseIndicesOutOfOrderAreNotCanonicalEvenWithAValidTokenAndSender() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(1).shards(1)
                .initialParameters(init).optimizer(new SGD(1.0)).encoding(io.orrery.ps.GradientEncoding.SPARSE).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            INDArray p = Nd4j.zeros(DataType.FLOAT, N);
            w0.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
            Publication own = BadInputTest.workerShardPublication(w0);
            MessageHeaderEncoder header = new MessageHeaderEncoder();
            GradientChunkEncoder encoder = new GradientChunkEncoder();
            UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
            int[][] orders = {{2, 0}, {5, 5}};
            for (int[] indices : orders) {
                for (int i = 0; i < 2; i++) {
                    payload.putInt(i * 8, indices[i], ByteOrder.LITTLE_ENDIAN);
                    payload.putFloat(i * 8 + 4, 1f, ByteOrder.LITTLE_ENDIAN);
                }
                encoder.wrapAndApplyHeader(BUFFER, 0, header).jobId(server.config().jobId()).token(server.token())
                        .step(0).baseVersion(0).workerId(w0.workerId()).shard(0).chunkIndex(0)
                        .chunkCount(server.layout().chunkCount(0)).elementOffset(0).elementCount(2)
                        .encoding(Encoding.SPARSE).putPayload(payload, 0, 16);
                send(own, header.encodedLength() + encoder.encodedLength());
            }
            awaitDrops(server, DropReason.NOT_CANONICAL, 2);
            // The worker's own (canonical) sparse gradient is then taken as usual.
            INDArray g = Nd4j.zeros(DataType.FLOAT, N);
            g.putScalar(3, 4f);
            w0.pushGradients(0, g);
            w0.awaitParameters(0, p, IpcRoundTripTest.WAIT);
            assertEquals(init.getFloat(3) - 4f, p.getFloat(3), 1e-6f);
            assertEquals(init.getFloat(0), p.getFloat(0));
        }
    }

    @Test
    void aWorkerIdIsBoundToTheSenderThatJoinedWithIt() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(sync(2, init).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server));
             Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(server.aeronDirectory()))) {
            // Another sender with the right token and worker 0's id: its chunks are dropped, never summed.
            Publication other = aeron.addExclusivePublication("aeron:ipc?mtu=8192", Channels.SHARD_STREAM_BASE);
            send(other, chunk(server, 0, 0, 0));
            awaitDrops(server, DropReason.WRONG_SENDER, 1);
            // It cannot take the id over while the holder is alive, nor make it leave.
            IllegalStateException taken = assertThrows(IllegalStateException.class, () -> ParameterServerClient.connect(
                    ClientConfig.builder().jobId(server.config().jobId()).token(server.token())
                            .ipc(server.aeronDirectory()).workerId(0).joinTimeout(Duration.ofSeconds(1)).build()));
            assertTrue(taken.getMessage().contains("held by a live worker"), taken.getMessage());
            Publication control = aeron.addExclusivePublication("aeron:ipc?mtu=8192", Channels.CONTROL_STREAM_ID);
            new WorkerProxy(server.config().jobId(), server.token(), 1024, new BackoffIdleStrategy(), 1_000_000_000L)
                    .leave(control, 0);
            awaitDrops(server, DropReason.WRONG_SENDER, 3);
            assertEquals(0, w0.workerId());
            assertTrue(server.stats().drops().count(DropReason.WRONG_SENDER) >= 3);
        }
    }

    @Test
    void afterALeaveTheRemainingWorkerKeepsTraining() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(sync(2, init).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            INDArray p0 = Nd4j.zeros(DataType.FLOAT, N);
            w0.awaitInitialParameters(p0, IpcRoundTripTest.WAIT);
            INDArray g = Nd4j.ones(DataType.FLOAT, N);
            try (ParameterServerClient w1 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
                w1.awaitInitialParameters(Nd4j.zeros(DataType.FLOAT, N), IpcRoundTripTest.WAIT);
                w0.pushGradients(0, g);
                w1.pushGradients(0, g.mul(3));
                w0.awaitParameters(0, p0, IpcRoundTripTest.WAIT);
                w0.pushGradients(1, g); // w1 leaves mid-step: the step completes with the current members
            }
            w0.awaitParameters(1, p0, IpcRoundTripTest.WAIT);
            for (long step = 2; step < 5; step++) {
                w0.pushGradients(step, g);
                w0.awaitParameters(step, p0, Duration.ofSeconds(1)); // well within the step timeout
            }
            assertArrayEquals(init.sub(2f + 4f).toFloatVector(), p0.toFloatVector(), 1e-5f);
            assertEquals(5, server.version());
            assertEquals(0, server.stats().failedSteps());
        }
    }

    @Test
    void afterEveryWorkerLeftTheNextStepWaitsForAllOfThemAgain() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(sync(2, init).build())) {
            INDArray g = Nd4j.ones(DataType.FLOAT, N);
            // A Spark stage: both join, do step 0, both leave.
            try (ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server));
                 ParameterServerClient w1 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
                INDArray p = Nd4j.zeros(DataType.FLOAT, N);
                w0.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
                w1.awaitInitialParameters(Nd4j.zeros(DataType.FLOAT, N), IpcRoundTripTest.WAIT);
                w0.pushGradients(0, g);
                w1.pushGradients(0, g);
                w0.awaitParameters(0, p, IpcRoundTripTest.WAIT);
            }
            // The next stage: worker 0's task joins first and pushes; the step waits for worker 1 (exactness).
            try (ParameterServerClient w0 = ParameterServerClient.connect(ClientConfig.builder()
                    .jobId(server.config().jobId()).token(server.token()).ipc(server.aeronDirectory()).workerId(0)
                    .build())) {
                INDArray p = Nd4j.zeros(DataType.FLOAT, N);
                w0.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
                w0.pushGradients(1, g);
                sleep(300);
                assertEquals(1, server.version(), "the step must wait for worker 1 of the new stage");
                try (ParameterServerClient w1 = ParameterServerClient.connect(ClientConfig.builder()
                        .jobId(server.config().jobId()).token(server.token()).ipc(server.aeronDirectory()).workerId(1)
                        .build())) {
                    w1.awaitInitialParameters(Nd4j.zeros(DataType.FLOAT, N), IpcRoundTripTest.WAIT);
                    w1.pushGradients(1, g.mul(3));
                    w0.awaitParameters(1, p, IpcRoundTripTest.WAIT);
                    assertArrayEquals(init.sub(1f + 2f).toFloatVector(), p.toFloatVector(), 1e-5f);
                }
            }
        }
    }

    @Test
    void anEvictedWorkerIsToldItIsNoLongerAMember() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(1).shards(1)
                .initialParameters(init).optimizer(new SGD(1.0)).workerTimeout(Duration.ofMillis(300)).build());
             // No heartbeats for an hour: the server sees it as silent after its worker timeout.
             ParameterServerClient stale = ParameterServerClient.connect(ClientConfig.builder()
                     .jobId(server.config().jobId()).token(server.token()).ipc(server.aeronDirectory())
                     .heartbeatInterval(Duration.ofHours(1)).build())) {
            INDArray p = Nd4j.zeros(DataType.FLOAT, N);
            stale.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
            // Asked at once, the id is still held: the new process asks again until the holder has timed out.
            try (ParameterServerClient fresh = ParameterServerClient.connect(ClientConfig.builder()
                    .jobId(server.config().jobId()).token(server.token()).ipc(server.aeronDirectory())
                    .workerId(0).build())) {
                assertEquals(0, fresh.workerId());
                INDArray q = Nd4j.zeros(DataType.FLOAT, N);
                fresh.awaitInitialParameters(q, IpcRoundTripTest.WAIT);
                stale.pushGradients(0, Nd4j.ones(DataType.FLOAT, N)); // dropped: no longer its id
                WorkerEvictedException evicted = assertThrows(WorkerEvictedException.class,
                        () -> stale.awaitParameters(0, p, IpcRoundTripTest.WAIT));
                assertTrue(evicted.getMessage().contains("taken over"), evicted.getMessage());
                fresh.pushGradients(0, Nd4j.ones(DataType.FLOAT, N));
                fresh.awaitParameters(0, q, IpcRoundTripTest.WAIT);
                assertArrayEquals(init.sub(1f).toFloatVector(), q.toFloatVector(), 1e-6f);
                assertTrue(server.stats().drops().count(DropReason.WRONG_SENDER) > 0);
            }
        }
    }

    @Test
    void aFloodOfWrongJobJoinsDoesNotStallStepsAndLearnsNothingOfTheJob() throws Exception {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(sync(1, init).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server));
             Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(server.aeronDirectory()))) {
            INDArray p0 = Nd4j.zeros(DataType.FLOAT, N);
            w0.awaitInitialParameters(p0, IpcRoundTripTest.WAIT);
            long realJob = server.config().jobId();
            long foreignJob = realJob + 12345;
            // The stranger reads the broadcast (IPC: any process of the host can) to see what it is told.
            Subscription listen = aeron.addSubscription("aeron:ipc", Channels.BROADCAST_STREAM_ID);
            Publication control = aeron.addExclusivePublication("aeron:ipc?mtu=8192", Channels.CONTROL_STREAM_ID);
            WorkerProxy stranger = new WorkerProxy(foreignJob, 42, 1024, new BackoffIdleStrategy(), 1_000_000_000L);
            AtomicBoolean stop = new AtomicBoolean();
            long[] sent = new long[1];
            Thread flood = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        stranger.join(control, sent[0]++, -1, "stranger");
                    } catch (RuntimeException e) {
                        Thread.onSpinWait(); // back pressure on the control stream: keep pushing
                    }
                }
            }, "wrong-job-flood");
            flood.start();
            List<String> reasons = new ArrayList<>();
            List<Long> jobIds = new ArrayList<>();
            JoinAckDecoder ack = new JoinAckDecoder();
            MessageHeaderDecoder header = new MessageHeaderDecoder();
            try {
                INDArray g = Nd4j.ones(DataType.FLOAT, N).muli(0.01);
                for (long step = 0; step < 20; step++) {
                    w0.pushGradients(step, g);
                    w0.awaitParameters(step, p0, server.config().stepTimeout());
                    listen.poll((buffer, offset, length, h) -> {
                        header.wrap(buffer, offset);
                        if (header.templateId() == JoinAckDecoder.TEMPLATE_ID) {
                            ack.wrapAndApplyHeader(buffer, offset, header);
                            jobIds.add(ack.jobId());
                            reasons.add(ack.reason());
                        }
                    }, 100);
                }
            } finally {
                stop.set(true);
                flood.join();
            }
            assertEquals(20, server.version());
            assertTrue(sent[0] > 100, "the flood sent " + sent[0] + " joins");
            assertTrue(server.stats().drops().count(DropReason.FOREIGN_JOB) > 100);
            assertTrue(server.stats().rejectionsNotSent() > 0, "rejections are rate limited");
            assertFalse(reasons.isEmpty(), "some rejections reach the stranger");
            for (int i = 0; i < reasons.size(); i++) {
                assertEquals(foreignJob, jobIds.get(i), "a rejection echoes the sender's job id");
                assertFalse(reasons.get(i).contains(Long.toString(realJob)), reasons.get(i));
            }
        }
    }

    private static final UnsafeBuffer BUFFER = new UnsafeBuffer(new byte[64 * 1024]);

    /** A well-formed float32 chunk of shard 0 carrying ones. */
    static int chunk(ParameterServer server, int worker, long step, int index) {
        MessageHeaderEncoder header = new MessageHeaderEncoder();
        GradientChunkEncoder encoder = new GradientChunkEncoder();
        int count = server.layout().chunkLength(0, index);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[count * 4]);
        for (int i = 0; i < count; i++) {
            payload.putFloat(i * 4, 1f, ByteOrder.LITTLE_ENDIAN);
        }
        encoder.wrapAndApplyHeader(BUFFER, 0, header).jobId(server.config().jobId()).token(server.token())
                .step(step).baseVersion(0).workerId(worker).shard(0).chunkIndex(index)
                .chunkCount(server.layout().chunkCount(0)).elementOffset(server.layout().chunkOffset(index))
                .elementCount(count).encoding(Encoding.FLOAT32).putPayload(payload, 0, count * 4);
        return header.encodedLength() + encoder.encodedLength();
    }

    static void send(Publication publication, int length) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (publication.offer(BUFFER, 0, length) < 0) {
            if (System.nanoTime() > deadline) {
                fail("could not inject a message on " + publication.channel());
            }
            Thread.onSpinWait();
        }
    }

    static void awaitDrops(ParameterServer server, DropReason reason, long count) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.stats().drops().count(reason) < count) {
            if (System.nanoTime() > deadline) {
                fail("expected " + count + " drops of " + reason + ", found " + server.stats().drops().summary());
            }
            Thread.onSpinWait();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean allFinite(INDArray vector) {
        return NativeFloats.allFinite(NativeFloats.wrap(vector, new UnsafeBuffer(0, 0), "vector"));
    }
}
