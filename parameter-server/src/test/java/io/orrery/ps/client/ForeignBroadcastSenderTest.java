package io.orrery.ps.client;

import io.orrery.ps.server.UdpMultiProcessTest;
import io.aeron.Publication;
import io.orrery.core.optimizers.SGD;
import io.orrery.ps.JobKey;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.sbe.Encoding;
import io.orrery.ps.protocol.sbe.JoinAckEncoder;
import io.orrery.ps.protocol.sbe.JoinStatus;
import io.orrery.ps.protocol.sbe.MessageHeaderEncoder;
import io.orrery.ps.protocol.sbe.ParameterChunkEncoder;
import io.orrery.ps.protocol.sbe.StepFailedEncoder;
import io.orrery.ps.protocol.sbe.TrainingMode;
import io.orrery.ps.server.ParameterServer;
import io.orrery.ps.server.ParameterServerConfig;
import io.orrery.ps.transport.AeronEndpoint;
import io.orrery.ps.transport.Channels;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rogue that sends well-formed broadcast messages straight to a worker's broadcast endpoint (its own media
 * driver, over UDP) or on its broadcast stream (another publication on the server's driver, over IPC): parameter
 * chunks that pass every field check, a failure of the step the worker waits for, and an eviction notice carrying
 * the worker's own correlation id. The worker binds to its server's session and source at the join, so it counts
 * each as {@link DropReason#WRONG_SENDER}, applies none, throws nothing, and gets the server's true parameters.
 */
class ForeignBroadcastSenderTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int N = 3000;

    @Test
    void aRogueOnTheWorkersUdpEndpointIsDroppedAsWrongSender() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(1).shards(1)
                .initialParameters(init).optimizer(new SGD(1.0)).udp("127.0.0.1", port).build());
             ParameterServerClient worker = ParameterServerClient.connect(ClientConfig.builder()
                     .jobId(server.config().jobId()).token(server.token()).udp("127.0.0.1", port).build());
             AeronEndpoint rogue = AeronEndpoint.start("rogue", null, 1 << 20, 4)) {
            ServerConnection c = connection(worker);
            List<String> bound = c.broadcast.localSocketAddresses();
            assertEquals(1, bound.size(), "the worker's broadcast endpoint: " + bound);
            // the server's frame length, so that no forged message is fragmented (the broadcast is not reassembled)
            Publication forged = rogue.aeron().addPublication("aeron:udp?endpoint=" + bound.get(0) + "|mtu="
                    + server.config().mtu() + "|term-length=" + server.config().termLength(), Channels.BROADCAST_STREAM_ID);
            attackAndTrain(server, worker, c, forged);
        }
    }

    /**
     * With a job key the worker's parameters come from the server's manual-MDC publication, not the one that sent its
     * challenge: the worker binds the parameter publication at the accepted join, and a rogue on its parameter
     * endpoint is still dropped.
     */
    @Test
    void aRogueOnAKeyedWorkersParameterEndpointIsDroppedAsWrongSender() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        JobKey key = JobKey.derive("foreign-sender-test", 3);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().jobId(3).workers(1)
                .shards(1).initialParameters(init).optimizer(new SGD(1.0)).udp("127.0.0.1", port).jobKey(key).build());
             ParameterServerClient worker = ParameterServerClient.connect(ClientConfig.builder().jobId(3).jobKey(key)
                     .udp("127.0.0.1", port).build());
             AeronEndpoint rogue = AeronEndpoint.start("rogue", null, 1 << 20, 4)) {
            ServerConnection c = connection(worker);
            assertTrue(c.replies != null, "a keyed worker over UDP has a separate replies subscription");
            String endpoint = c.broadcast.localSocketAddresses().get(0);
            assertEquals(c.broadcastEndpoint, endpoint, "the endpoint named in the proof is the one bound");
            Publication forged = rogue.aeron().addPublication("aeron:udp?endpoint=" + endpoint + "|mtu="
                    + server.config().mtu() + "|term-length=" + server.config().termLength(), Channels.BROADCAST_STREAM_ID);
            attackAndTrain(server, worker, c, forged);
        }
    }

    @Test
    void anotherSessionOnTheIpcBroadcastStreamIsDroppedAsWrongSender() throws Exception {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(1).shards(1)
                .initialParameters(init).optimizer(new SGD(1.0)).build());
             ParameterServerClient worker = ParameterServerClient.connect(ClientConfig.builder()
                     .jobId(server.config().jobId()).token(server.token()).ipc(server.aeronDirectory()).build());
             AeronEndpoint rogue = AeronEndpoint.start("rogue", server.aeronDirectory(), 1 << 20, 4)) {
            // Exclusive: a concurrent publication on the server's own channel would share the server's session (a
            // process that can open the server's driver directory writes into its log: same host and user, trusted).
            Publication forged = rogue.aeron().addExclusivePublication("aeron:ipc?mtu=8192", Channels.BROADCAST_STREAM_ID);
            attackAndTrain(server, worker, connection(worker), forged);
        }
    }

    /** Sends the forgeries of every broadcast type, then runs one real step and checks what the worker holds. */
    private static void attackAndTrain(ParameterServer server, ParameterServerClient worker, ServerConnection c,
                                       Publication forged) throws InterruptedException {
        INDArray init = Nd4j.zeros(DataType.FLOAT, N);
        INDArray params = Nd4j.zeros(DataType.FLOAT, N);
        worker.awaitInitialParameters(init, WAIT);
        long until = System.nanoTime() + WAIT.toNanos();
        while (!forged.isConnected() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertTrue(forged.isConnected(), "the rogue's publication never connected to the worker");
        long jobId = server.config().jobId();
        ShardLayout layout = server.layout();
        int chunks = layout.chunkCount(0);
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[16384]);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[layout.chunkElements() * 4]);
        payload.setMemory(0, payload.capacity(), (byte) 0x3f); // finite values (~0.75), visible if ever applied
        MessageHeaderEncoder header = new MessageHeaderEncoder();
        int sent = 0;
        for (long version = 1; version <= 2; version++) { // the version awaited next, and the one after it
            for (int k = 0; k < chunks; k++) {
                int length = layout.chunkLength(0, k);
                ParameterChunkEncoder e = new ParameterChunkEncoder().wrapAndApplyHeader(buffer, 0, header)
                        .jobId(jobId).version(version).minWorkerStep(0).shard(0).chunkIndex(k).chunkCount(chunks)
                        .elementOffset(layout.chunkOffset(k)).elementCount(length).putPayload(payload, 0, length * 4);
                offer(forged, buffer, header.encodedLength() + e.encodedLength());
                sent++;
            }
        }
        StepFailedEncoder failed = new StepFailedEncoder().wrapAndApplyHeader(buffer, 0, header).jobId(jobId).step(0)
                .shard(0).reason("rogue says step 0 failed");
        offer(forged, buffer, header.encodedLength() + failed.encodedLength());
        sent++;
        JoinAckEncoder evict = new JoinAckEncoder().wrapAndApplyHeader(buffer, 0, header).jobId(jobId)
                .correlationId(c.correlationId).status(JoinStatus.REJECTED).mode(TrainingMode.SYNC)
                .workerId(worker.workerId()).workerCount(1).shardCount(1).firstShard(0).ownedShards(1)
                .chunkElements(layout.chunkElements()).stalenessBound(0).encoding(Encoding.FLOAT32)
                .modelLength(N).currentVersion(0).reason("rogue says: your id was taken over");
        offer(forged, buffer, header.encodedLength() + evict.encodedLength());
        sent++;

        // Wait until the worker has read every forgery (a NEWEST wait polls until nothing more arrives).
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (worker.drops().count(DropReason.WRONG_SENDER) < sent && System.nanoTime() < deadline) {
            worker.awaitInitialParameters(params, WAIT);
            Thread.sleep(5);
        }
        assertEquals(sent, worker.drops().count(DropReason.WRONG_SENDER), worker.drops().summary());
        assertArrayEquals(init.toFloatVector(), params.toFloatVector(), "nothing forged was applied");

        worker.pushGradients(0, Nd4j.ones(DataType.FLOAT, N));
        worker.awaitParameters(0, params, WAIT); // neither the forged failure nor the eviction reaches this wait
        assertArrayEquals(init.sub(1.0).toFloatVector(), params.toFloatVector(), 1e-6f);
        assertEquals(sent, worker.drops().total(), worker.drops().summary());
    }

    private static void offer(Publication p, UnsafeBuffer buffer, int length) {
        long until = System.nanoTime() + WAIT.toNanos();
        long result;
        while ((result = p.offer(buffer, 0, length)) < 0) {
            assertTrue(System.nanoTime() < until, "rogue offer failed: " + result);
            Thread.onSpinWait();
        }
    }

    /** The worker's one server connection (the test reaches into the client: there is no public accessor). */
    private static ServerConnection connection(ParameterServerClient worker) throws ReflectiveOperationException {
        Field f = ParameterServerClient.class.getDeclaredField("connections");
        f.setAccessible(true);
        return ((ServerConnections) f.get(worker)).all().get(0);
    }
}
