package io.orrery.ps.client;

import io.orrery.ps.server.UdpMultiProcessTest;
import io.aeron.Publication;
import io.orrery.core.optimizers.SGD;
import io.orrery.ps.JobKey;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.KeyProof;
import io.orrery.ps.protocol.WorkerProxy;
import io.orrery.ps.protocol.sbe.Encoding;
import io.orrery.ps.server.CapturedStderr;
import io.orrery.ps.server.ParameterServer;
import io.orrery.ps.server.ParameterServerConfig;
import io.orrery.ps.transport.Channels;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The keyed join over real UDP on loopback (one media driver per process role): workers prove the job key by
 * challenge-response, parameters go only to proven workers (a manual multi-destination-cast broadcast), and the rest
 * of the network learns nothing: a wrong key, a replayed proof, a stranger on the broadcast port and gradients from
 * another session are each refused and counted.
 */
class KeyedJoinTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int N = 3000;
    private static final String SECRET = "correct horse battery staple 0451";
    private static final long JOB = 4242;
    private static final JobKey KEY = JobKey.derive(SECRET, JOB);

    private static ParameterServerConfig.Builder server(int port, INDArray init, JobKey key) {
        ParameterServerConfig.Builder b = ParameterServerConfig.builder().jobId(JOB).workers(2).shards(2)
                .initialParameters(init).optimizer(new SGD(0.5)).udp("127.0.0.1", port)
                .stepTimeout(Duration.ofSeconds(20));
        return key == null ? b.token(77) : b.jobKey(key);
    }

    private static ClientConfig.Builder client(int port, JobKey key) {
        ClientConfig.Builder b = ClientConfig.builder().jobId(JOB).udp("127.0.0.1", port).joinTimeout(WAIT);
        return key == null ? b.token(77) : b.jobKey(key);
    }

    /** Step s's gradient of worker w: fixed values, different per worker and step. */
    private static INDArray gradient(int w, int s) {
        return Nd4j.linspace(DataType.FLOAT, -1 + w + 0.1 * s, 0.001, N);
    }

    /** Two workers in their own threads (flow control waits for the slowest reader) run {@code steps} SYNC steps. */
    private static float[] train(int port, JobKey key, int steps) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<float[]>[] results = new Future[2];
            for (int w = 0; w < 2; w++) {
                int worker = w;
                results[w] = pool.submit(() -> {
                    try (ParameterServerClient c = ParameterServerClient.connect(client(port, key).workerId(worker).build())) {
                        INDArray params = Nd4j.zeros(DataType.FLOAT, N);
                        c.awaitInitialParameters(params, WAIT);
                        for (int s = 0; s < steps; s++) {
                            c.pushGradients(s, gradient(worker, s));
                            c.awaitParameters(s, params, WAIT);
                        }
                        return params.toFloatVector();
                    }
                });
            }
            float[] first = results[0].get();
            assertArrayEquals(first, results[1].get(), "both workers hold the same parameters");
            return first;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keyedSyncTrainingOverUdpGivesTheSameParametersAsUnkeyed() throws Exception {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        float[] unkeyed;
        int port = UdpMultiProcessTest.freeUdpPortPair();
        try (ParameterServer server = ParameterServer.start(server(port, init, null).build())) {
            unkeyed = train(port, null, 4);
            assertEquals(4, server.version());
        }
        port = UdpMultiProcessTest.freeUdpPortPair();
        try (CapturedStderr log = new CapturedStderr();
             ParameterServer server = ParameterServer.start(server(port, init, KEY).build())) {
            float[] keyed = train(port, KEY, 4);
            assertEquals(4, server.version());
            assertArrayEquals(unkeyed, keyed, "keyed and unkeyed SYNC runs end at the same parameters");
            assertEquals(0, server.stats().drops().count(DropReason.BAD_PROOF), server.stats().drops().summary());
            assertEquals(0, server.config().token(), "a keyed job sends no token");
            String text = log.text();
            assertTrue(text.contains("keyProven=true"), "the join is logged as proven");
            assertFalse(text.contains(SECRET), "the secret is never logged");
            assertFalse(text.toLowerCase().contains(hex(KEY)), "the key is never logged");
        }
    }

    @Test
    void aWrongKeyIsRefusedAndItsHolderReceivesNothing() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(server(port, init, KEY).build());
             RawKeyedPeer wrong = new RawKeyedPeer("127.0.0.1", port, JOB)) {
            awaitConnected(wrong);
            // A client library worker with the wrong key fails with the server's reason.
            IllegalStateException refused = assertThrows(IllegalStateException.class, () ->
                    ParameterServerClient.connect(client(port, JobKey.derive("another secret", JOB)).build()));
            assertTrue(refused.getMessage().contains("does not show the job's key"), refused.getMessage());
            // A raw peer with the wrong key, naming its own endpoint, then watches while the real workers train.
            wrong.join(-1);
            assertTrue(wrong.awaitChallenge(5000), "a Join is answered with a challenge");
            KeyProof wrongProof = new KeyProof(JobKey.derive("guess", JOB));
            wrong.proof(-1, wrongProof.compute(wrong.lastNonce, JOB, wrong.correlationId, -1, wrong.sessionId,
                    wrong.endpoint));
            train(port, KEY, 3);
            wrong.pollFor(500);
            assertTrue(server.stats().drops().count(DropReason.BAD_PROOF) >= 2, server.stats().drops().summary());
            assertEquals(1, wrong.rejectedJoinAcks, "the wrong proof is refused");
            assertTrue(wrong.lastRejection.contains("does not show the job's key"), wrong.lastRejection);
            assertEquals(0, wrong.messagesOnParameterEndpoint, "nothing reaches a process that never proved the key");
            assertEquals(0, wrong.parameterChunks + wrong.acceptedJoinAcks + wrong.stepFailures);
        }
    }

    @Test
    void aProofForAnotherNonceOrAUsedOneIsRefused() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(server(port, init, KEY).build());
             RawKeyedPeer replayer = new RawKeyedPeer("127.0.0.1", port, JOB)) {
            awaitConnected(replayer);
            KeyProof proofs = new KeyProof(KEY);
            replayer.join(-1);
            assertTrue(replayer.awaitChallenge(5000));
            byte[] first = proofs.compute(replayer.lastNonce, JOB, replayer.correlationId, -1, replayer.sessionId,
                    replayer.endpoint);
            replayer.join(-1); // a new challenge replaces the first
            assertTrue(replayer.awaitChallenge(5000));
            replayer.proof(-1, first); // over the first nonce: refused
            awaitDrops(server, DropReason.BAD_PROOF, 1);
            replayer.join(-1);
            assertTrue(replayer.awaitChallenge(5000));
            byte[] good = proofs.compute(replayer.lastNonce, JOB, replayer.correlationId, -1, replayer.sessionId,
                    replayer.endpoint);
            replayer.proof(-1, good); // the key is known: admitted, and its endpoint now receives the broadcast
            long until = System.nanoTime() + WAIT.toNanos();
            while (replayer.acceptedJoinAcks == 0 && System.nanoTime() < until) {
                replayer.pollFor(50);
                if (replayer.acceptedJoinAcks == 0) {
                    replayer.join(-1); // the first answer to a new destination can precede its image: ask again
                    if (replayer.awaitChallenge(2000)) {
                        good = proofs.compute(replayer.lastNonce, JOB, replayer.correlationId, -1, replayer.sessionId,
                                replayer.endpoint);
                        replayer.proof(-1, good);
                    }
                }
            }
            assertTrue(replayer.acceptedJoinAcks > 0, "a valid proof is accepted");
            long refusedBefore = server.stats().drops().count(DropReason.BAD_PROOF);
            replayer.proof(-1, good); // the same proof again: its nonce is used up
            awaitDrops(server, DropReason.BAD_PROOF, refusedBefore + 1);
        }
    }

    @Test
    void aStrangerOnTheBroadcastPortReceivesNoParameters() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(server(port, init, KEY).build());
             RawKeyedPeer stranger = new RawKeyedPeer("127.0.0.1", port, JOB)) {
            awaitConnected(stranger); // registered at port + 1, as a worker's subscription would
            Thread poller = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    stranger.poll();
                    Thread.onSpinWait();
                }
            });
            poller.start();
            try {
                train(port, KEY, 3);
                Thread.sleep(300);
            } finally {
                poller.interrupt();
                poller.join();
            }
            assertEquals(3, server.version());
            assertEquals(0, stranger.parameterChunks, "no parameter version reaches the stranger");
            assertEquals(0, stranger.acceptedJoinAcks, "no join answer reaches the stranger");
            assertEquals(0, stranger.stepFailures);
            assertEquals(0, stranger.messagesOnParameterEndpoint);
        }
    }

    @Test
    void gradientsFromASessionOtherThanTheProvenOneAreDroppedAndCounted() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        ParameterServerConfig config = ParameterServerConfig.builder().jobId(JOB).workers(1).shards(1)
                .initialParameters(init).optimizer(new SGD(1.0)).udp("127.0.0.1", port).jobKey(KEY).build();
        try (ParameterServer server = ParameterServer.start(config);
             ParameterServerClient worker = ParameterServerClient.connect(client(port, KEY).build());
             RawKeyedPeer other = new RawKeyedPeer("127.0.0.1", port, JOB)) {
            INDArray params = Nd4j.zeros(DataType.FLOAT, N);
            worker.awaitInitialParameters(params, WAIT);
            Publication forged = other.aeron().aeron().addExclusivePublication(
                    Channels.workerEgress("127.0.0.1", port, 1408, 1 << 20, other.sessionId), Channels.SHARD_STREAM_BASE);
            long until = System.nanoTime() + WAIT.toNanos();
            while (!forged.isConnected() && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            WorkerProxy proxy = new WorkerProxy(JOB, 0, 1 << 16, new BackoffIdleStrategy(), WAIT.toNanos());
            UnsafeBuffer payload = new UnsafeBuffer(new byte[N * 4]);
            for (int i = 0; i < N; i++) {
                payload.putFloat(i * 4, 100f);
            }
            int chunks = server.layout().chunkCount(0);
            for (int k = 0; k < chunks; k++) {
                int length = server.layout().chunkLength(0, k);
                proxy.gradientChunk(forged, 0, 0, worker.workerId(), 0, k, chunks, server.layout().chunkOffset(k), length,
                        Encoding.FLOAT32, payload, 0, length * 4);
            }
            awaitDrops(server, DropReason.WRONG_SENDER, chunks);
            assertEquals(0, server.version(), "nothing from another session is applied");
            worker.pushGradients(0, Nd4j.ones(DataType.FLOAT, N));
            worker.awaitParameters(0, params, WAIT);
            assertArrayEquals(init.sub(1.0).toFloatVector(), params.toFloatVector(), 1e-6f);
        }
    }

    /**
     * The broadcast reaches a proven worker only while it is alive: silent beyond the worker timeout, its endpoint is
     * taken out (parameters sent for others do not reach it); heard again, it is put back and sent the current
     * parameters.
     */
    @Test
    void aProvenWorkerSilentBeyondTheTimeoutIsSentNothingUntilItIsHeardAgain() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(server(port, init, KEY)
                .workerTimeout(Duration.ofMillis(500)).build());
             RawKeyedPeer quiet = new RawKeyedPeer("127.0.0.1", port, JOB)) {
            awaitConnected(quiet);
            assertTrue(quiet.joinWithKey(new KeyProof(KEY), JOB, WAIT.toMillis()), "the peer proves the key");
            Thread.sleep(1500); // silent (a raw peer sends no heartbeats): its destination is taken out
            quiet.pollFor(100);
            int before = quiet.parameterChunks;
            try (ParameterServerClient worker = ParameterServerClient.connect(client(port, KEY)
                    .heartbeatInterval(Duration.ofMillis(100)).build())) {
                INDArray params = Nd4j.zeros(DataType.FLOAT, N);
                worker.awaitInitialParameters(params, WAIT); // a broadcast of every shard, for the live worker
                assertArrayEquals(init.toFloatVector(), params.toFloatVector());
                quiet.pollFor(500);
                assertEquals(before, quiet.parameterChunks, "nothing reaches a worker while it is silent");
                long until = System.nanoTime() + WAIT.toNanos();
                while (quiet.parameterChunks == before && System.nanoTime() < until) {
                    quiet.heartbeat(quiet.workerId); // heard again: back in, and sent the current parameters
                    quiet.pollFor(200);
                }
                assertTrue(quiet.parameterChunks > before, "a worker heard again receives parameters again");
            }
        }
    }

    @Test
    void aWorkerWithoutTheKeyIsToldTheServerWantsOne() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        try (ParameterServer server = ParameterServer.start(server(port, Nd4j.rand(DataType.FLOAT, N), KEY).build())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                    ParameterServerClient.connect(client(port, null).build()));
            assertTrue(e.getMessage().contains("proof of the job key"), e.getMessage());
        }
    }

    @Test
    void keysAndSecretsNeverShowInToString() {
        assertEquals("JobKey[<hidden>]", KEY.toString());
        assertEquals(KEY, JobKey.derive(SECRET, JOB), "the same secret and job give the same key");
        assertFalse(KEY.equals(JobKey.derive(SECRET, JOB + 1)), "another job, another key");
        ParameterServerConfig config = ParameterServerConfig.builder().workers(1).initialParameters(
                Nd4j.zeros(DataType.FLOAT, 8)).optimizer(new SGD(1.0)).jobKey(KEY).build();
        assertFalse(String.valueOf(config).contains(hex(KEY)));
        ClientConfig cc = client(40123, KEY).build();
        assertFalse(String.valueOf(cc).contains(hex(KEY)));
        assertThrows(IllegalArgumentException.class, () -> client(40123, KEY).token(5).build());
    }

    /**
     * The key's bytes in hex, derived here as docs/parameter-server.md states it (HMAC-SHA256 of the secret over the
     * label and the job id), and checked against the key itself through their MACs of one message.
     */
    private static String hex(JobKey key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update("orrery parameter-server job key v1".getBytes(StandardCharsets.UTF_8));
            byte[] bytes = mac.doFinal(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(JOB).array());
            Mac check = Mac.getInstance("HmacSHA256");
            check.init(new SecretKeySpec(bytes, "HmacSHA256"));
            byte[] message = "x".getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(check.doFinal(message), key.newMac().doFinal(message), "the key is derived as documented");
            return HexFormat.of().formatHex(bytes);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitConnected(RawKeyedPeer peer) throws InterruptedException {
        long until = System.nanoTime() + WAIT.toNanos();
        while (!peer.connected() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertTrue(peer.connected(), "the raw peer never connected to the server");
    }

    private static void awaitDrops(ParameterServer server, DropReason reason, long count) throws InterruptedException {
        long until = System.nanoTime() + WAIT.toNanos();
        while (server.stats().drops().count(reason) < count && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertEquals(count, server.stats().drops().count(reason), server.stats().drops().summary());
    }
}
