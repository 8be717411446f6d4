package io.orrery.ps.client;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.orrery.core.optimizers.SGD;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.sbe.MessageHeaderEncoder;
import io.orrery.ps.protocol.sbe.ParameterChunkEncoder;
import io.orrery.ps.server.ParameterServer;
import io.orrery.ps.server.ParameterServerConfig;
import io.orrery.ps.transport.Channels;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker trusts nothing either: forged parameter chunks on the broadcast are dropped, counted and ignored. */
class ClientBadInputTest {

    @Test
    void forgedParameterChunksAreDroppedAndTheRealParametersArrive() {
        int n = 3000;
        INDArray init = Nd4j.rand(DataType.FLOAT, n);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(1).shards(1)
                .initialParameters(init).optimizer(new SGD(1.0)).build());
             ParameterServerClient worker = ParameterServerClient.connect(ClientConfig.builder()
                     .jobId(server.config().jobId()).token(server.token()).ipc(server.aeronDirectory()).build());
             Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(server.aeronDirectory()))) {
            Publication forged = aeron.addPublication("aeron:ipc?mtu=8192", Channels.BROADCAST_STREAM_ID);
            INDArray params = Nd4j.zeros(DataType.FLOAT, n);
            worker.awaitInitialParameters(params, Duration.ofSeconds(20));
            int chunkElements = server.layout().chunkElements();
            int chunks = server.layout().chunkCount(0);
            UnsafeBuffer buffer = new UnsafeBuffer(new byte[16384]);
            UnsafeBuffer payload = new UnsafeBuffer(new byte[chunkElements * 4]);
            payload.setMemory(0, payload.capacity(), (byte) 0x7f); // large finite floats: visible if ever applied
            Consumer<Consumer<ParameterChunkEncoder>> send = customizer -> {
                MessageHeaderEncoder header = new MessageHeaderEncoder();
                ParameterChunkEncoder e = new ParameterChunkEncoder();
                e.wrapAndApplyHeader(buffer, 0, header).jobId(server.config().jobId()).version(1).minWorkerStep(0)
                        .shard(0).chunkIndex(0).chunkCount(chunks).elementOffset(0).elementCount(chunkElements);
                customizer.accept(e);
                e.putPayload(payload, 0, chunkElements * 4);
                while (forged.offer(buffer, 0, header.encodedLength() + e.encodedLength()) < 0) {
                    Thread.onSpinWait();
                }
            };
            send.accept(e -> e.jobId(424242));
            send.accept(e -> e.shard(9));
            send.accept(e -> e.chunkIndex(chunks));
            send.accept(e -> e.elementCount(7));
            worker.pushGradients(0, Nd4j.ones(DataType.FLOAT, n));
            worker.awaitParameters(0, params, Duration.ofSeconds(20));
            assertArrayEquals(init.sub(1.0).toFloatVector(), params.toFloatVector(), 1e-6f);
            assertEquals(1, worker.drops().count(DropReason.FOREIGN_JOB));
            assertEquals(1, worker.drops().count(DropReason.BAD_SHARD));
            assertEquals(1, worker.drops().count(DropReason.BAD_CHUNK));
            assertEquals(1, worker.drops().count(DropReason.BAD_LENGTH));
            assertTrue(worker.drops().total() == 4, worker.drops().summary());
        }
    }
}
