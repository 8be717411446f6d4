package io.orrery.ps.server;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.sbe.Encoding;
import io.orrery.ps.protocol.sbe.GradientChunkEncoder;
import io.orrery.ps.protocol.sbe.MessageHeaderEncoder;
import io.orrery.ps.transport.Channels;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Each kind of bad gradient message, injected raw into a running server's shard stream next to a real worker:
 * dropped, counted under its reason, the model unchanged by it, and the server still serving.
 */
class BadInputTest {

    static final int N = 5000;
    static final float LR = 0.25f;

    ParameterServer server;
    ParameterServerClient worker;
    Aeron aeron;
    Publication raw;
    INDArray init;
    INDArray params;
    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
    final MessageHeaderEncoder header = new MessageHeaderEncoder();
    final GradientChunkEncoder encoder = new GradientChunkEncoder();
    int chunkElements;

    @BeforeEach
    void start() {
        init = Nd4j.rand(DataType.FLOAT, N);
        server = ParameterServer.start(ParameterServerConfig.builder().workers(1).shards(1)
                .initialParameters(init).optimizer(new SGD(LR)).build());
        worker = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server));
        params = Nd4j.zeros(DataType.FLOAT, N);
        worker.awaitInitialParameters(params, IpcRoundTripTest.WAIT);
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(server.aeronDirectory()));
        raw = workerShardPublication(worker);
        chunkElements = server.layout().chunkElements();
    }

    /**
     * The worker's own gradient publication: the server takes worker 0's id only from the sender that joined with
     * it (its Aeron session and source), so bad messages are injected as a buggy or compromised worker would send
     * them. Used from the test thread only, which also pushes the worker's gradients (one writer).
     */
    static Publication workerShardPublication(ParameterServerClient worker) {
        try {
            java.lang.reflect.Field f = ParameterServerClient.class.getDeclaredField("connections");
            f.setAccessible(true);
            Object connections = f.get(worker);
            java.lang.reflect.Method m = connections.getClass().getDeclaredMethod("shardPublication", int.class);
            m.setAccessible(true);
            return (Publication) m.invoke(connections, 0);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot reach the worker's shard publication", e);
        }
    }

    @AfterEach
    void stop() {
        aeron.close();
        worker.close();
        server.close();
    }

    /** A well-formed chunk of worker 0; the customizer breaks one thing. */
    int chunk(long step, int index, float value, Consumer<GradientChunkEncoder> customizer) {
        int count = server.layout().chunkLength(0, index);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[count * 4]);
        for (int i = 0; i < count; i++) {
            payload.putFloat(i * 4, value, ByteOrder.LITTLE_ENDIAN);
        }
        encoder.wrapAndApplyHeader(buffer, 0, header).jobId(server.config().jobId()).token(server.token())
                .step(step).baseVersion(step).workerId(worker.workerId()).shard(0).chunkIndex(index)
                .chunkCount(server.layout().chunkCount(0)).elementOffset(index * chunkElements).elementCount(count)
                .encoding(Encoding.FLOAT32);
        customizer.accept(encoder);
        encoder.putPayload(payload, 0, count * 4);
        return header.encodedLength() + encoder.encodedLength();
    }

    void send(int length) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (raw.offer(buffer, 0, length) < 0) {
            if (System.nanoTime() > deadline) {
                fail("could not inject a message");
            }
            Thread.onSpinWait();
        }
    }

    void expectDrop(DropReason reason, long count) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.stats().drops().count(reason) < count) {
            if (System.nanoTime() > deadline) {
                fail("expected " + count + " drops of " + reason + ", found " + server.stats().drops().summary());
            }
            Thread.onSpinWait();
        }
        assertEquals(count, server.stats().drops().count(reason));
    }

    /** The real worker does one step with a constant gradient; the parameters must move by exactly that. */
    void realStep(long step, float g) {
        INDArray grads = Nd4j.valueArrayOf(new long[]{N}, g, DataType.FLOAT);
        worker.pushGradients(step, grads);
        worker.awaitParameters(step, params, IpcRoundTripTest.WAIT);
        init.subi(grads.mul(LR));
        assertArrayEquals(init.toFloatVector(), params.toFloatVector(), 1e-6f);
    }

    @Test
    void malformedMessagesAreDroppedCountedAndLeaveTheModelUnchanged() {
        int valid = chunk(0, 0, 1f, e -> { });
        send(5);
        expectDrop(DropReason.TRUNCATED, 1);
        send(valid - 3);
        expectDrop(DropReason.TRUNCATED, 2);

        int big = chunk(0, 0, 1f, e -> { });
        send(big + 20_000);
        expectDrop(DropReason.OVERSIZED, 1);

        chunk(0, 0, 1f, e -> { });
        buffer.putShort(2, (short) 42, ByteOrder.LITTLE_ENDIAN);
        send(valid);
        expectDrop(DropReason.UNKNOWN_TEMPLATE, 1);

        chunk(0, 0, 1f, e -> { });
        buffer.putShort(6, (short) 9, ByteOrder.LITTLE_ENDIAN);
        send(valid);
        expectDrop(DropReason.UNSUPPORTED_VERSION, 1);

        send(chunk(0, 0, 1f, e -> e.shard(7)));
        expectDrop(DropReason.BAD_SHARD, 1);
        send(chunk(0, 0, 1f, e -> e.chunkIndex(99)));
        expectDrop(DropReason.BAD_CHUNK, 1);
        send(chunk(0, 0, 1f, e -> e.chunkCount(1)));
        expectDrop(DropReason.BAD_CHUNK, 2);
        send(chunk(0, 0, 1f, e -> e.elementCount(3)));
        expectDrop(DropReason.BAD_LENGTH, 1);
        send(chunk(0, 0, 1f, e -> e.elementOffset(1)));
        expectDrop(DropReason.BAD_LENGTH, 2);
        send(chunk(0, 0, 1f, e -> e.encoding(Encoding.FLOAT16)));
        expectDrop(DropReason.BAD_ENCODING, 1);
        send(chunk(0, 0, 1f, e -> e.jobId(999)));
        expectDrop(DropReason.FOREIGN_JOB, 1);
        send(chunk(0, 0, 1f, e -> e.token(server.token() + 1)));
        expectDrop(DropReason.BAD_TOKEN, 1);
        send(chunk(0, 0, 1f, e -> e.workerId(5)));
        expectDrop(DropReason.UNKNOWN_WORKER, 1);
        send(chunk(3, 0, 1f, e -> { }));
        expectDrop(DropReason.EARLY, 1);
        send(chunk(0, 0, Float.NaN, e -> { }));
        expectDrop(DropReason.NON_FINITE, 1);
        send(chunk(0, 1, Float.POSITIVE_INFINITY, e -> { }));
        expectDrop(DropReason.NON_FINITE, 2);

        assertEquals(0, server.version());
        assertArrayEquals(init.toFloatVector(), server.parameters().toFloatVector());
        realStep(0, 0.5f);
        assertEquals(1, server.version());
    }

    @Test
    void unknownEnumValuesWithAValidHeaderAndTokenAreCountedDropsNotAgentErrors() {
        int offset = MessageHeaderEncoder.ENCODED_LENGTH + GradientChunkEncoder.encodingEncodingOffset();
        try (CapturedStderr err = new CapturedStderr()) {
            for (int raw : new int[]{4, 7, 128, Encoding.NULL_VAL.value()}) {
                int length = chunk(0, 0, 1f, e -> { });
                buffer.putByte(offset, (byte) raw);
                send(length);
            }
            expectDrop(DropReason.BAD_ENCODING, 4);
            realStep(0, 0.5f);
            assertFalse(err.text().contains("agent error"), err.text());
        }
        assertEquals(1, server.version());
    }

    @Test
    void randomBytesOnTheWireAreDroppedAndTheServerKeepsServing() {
        java.util.Random random = new java.util.Random(11);
        byte[] bytes = new byte[600];
        UnsafeBuffer fuzz = new UnsafeBuffer(bytes);
        Publication control = aeron.addPublication("aeron:ipc?mtu=8192", Channels.CONTROL_STREAM_ID);
        for (int i = 0; i < 3000; i++) {
            random.nextBytes(bytes);
            if (i % 2 == 0) {
                fuzz.putShort(4, (short) MessageHeaderEncoder.SCHEMA_ID, ByteOrder.LITTLE_ENDIAN);
                fuzz.putShort(6, (short) 1, ByteOrder.LITTLE_ENDIAN);
                fuzz.putShort(2, (short) (1 + random.nextInt(7)), ByteOrder.LITTLE_ENDIAN);
            }
            Publication target = i % 3 == 0 ? control : raw;
            int length = 1 + random.nextInt(bytes.length);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (target.offer(fuzz, 0, length) < 0) {
                if (System.nanoTime() > deadline) {
                    fail("could not inject");
                }
                Thread.onSpinWait();
            }
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.stats().drops().total() < 3000 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(3000, server.stats().drops().total(), server.stats().drops().summary());
        assertEquals(0, server.version());
        realStep(0, 0.25f);
    }

    @Test
    void lateAndDuplicateChunksNeverApplyAStepTwice() {
        realStep(0, 1f);
        // Step 0 again, after it was applied: late.
        send(chunk(0, 0, 1f, e -> { }));
        expectDrop(DropReason.LATE, 1);
        // Chunk 0 of step 1 injected with the value the worker will send; the worker's own chunk 0 is then a duplicate.
        send(chunk(1, 0, 2f, e -> { }));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.stats().chunksIn() < server.layout().chunkCount(0) + 1) {
            if (System.nanoTime() > deadline) {
                fail("injected chunk not received");
            }
            Thread.onSpinWait();
        }
        send(chunk(1, 0, 2f, e -> { }));
        expectDrop(DropReason.DUPLICATE, 1);
        realStep(1, 2f);
        expectDrop(DropReason.DUPLICATE, 2);
        assertEquals(2, server.version());
        realStep(2, -1f);
        assertEquals(3, server.version());
    }
}
