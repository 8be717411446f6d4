package io.orrery.ps.server;

import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.protocol.ShardLayout;
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
 * The chunk size is a job setting the server announces at the join: over UDP a chunk spans many frames when the MTU
 * is small (Aeron fragments it, both sides reassemble it), and the worker's MTU need not be the server's.
 */
class ChunkSizeTest {

    @Test
    void chunksLargerThanAFrameCarrySyncStepsExactlyWhateverEachSidesMtu() throws Exception {
        int n = 100_003; // 2 shards of 7 and 6 chunks (the last one short)
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray init = Nd4j.rand(DataType.FLOAT, n);
        ParameterServerConfig serverConfig = ParameterServerConfig.builder().workers(2).shards(2)
                .initialParameters(init).optimizer(new SGD(1.0)).udp("127.0.0.1", port).mtu(1408)
                .chunkElements(8000).build();
        try (ParameterServer server = ParameterServer.start(serverConfig)) {
            // Each worker sends frames of another length than the server's 1408 bytes.
            ClientConfig.Builder worker = ClientConfig.builder().jobId(server.config().jobId()).token(server.token())
                    .udp("127.0.0.1", port);
            try (ParameterServerClient a = ParameterServerClient.connect(worker.mtu(4096).build());
                 ParameterServerClient b = ParameterServerClient.connect(worker.mtu(1024).build())) {
                assertEquals(8000, a.layout().chunkElements());
                assertEquals(8000, b.layout().chunkElements());
                INDArray pa = Nd4j.zeros(DataType.FLOAT, n);
                INDArray pb = Nd4j.zeros(DataType.FLOAT, n);
                INDArray ga = Nd4j.rand(DataType.FLOAT, n);
                INDArray gb = Nd4j.rand(DataType.FLOAT, n);
                for (int step = 0; step < 3; step++) {
                    INDArray expected = (step == 0 ? init : pa).sub(ga.add(gb).div(2));
                    int s = step;
                    Thread other = new Thread(() -> {
                        if (s == 0) {
                            b.awaitInitialParameters(pb, IpcRoundTripTest.WAIT);
                        }
                        b.pushGradients(s, gb);
                        b.awaitParameters(s, pb, IpcRoundTripTest.WAIT);
                    });
                    other.start();
                    if (step == 0) {
                        a.awaitInitialParameters(pa, IpcRoundTripTest.WAIT);
                        expected = init.sub(ga.add(gb).div(2));
                    }
                    a.pushGradients(step, ga);
                    a.awaitParameters(step, pa, IpcRoundTripTest.WAIT);
                    other.join();
                    assertArrayEquals(expected.toFloatVector(), pa.toFloatVector(), 1e-5f, "step " + step);
                    assertArrayEquals(pa.toFloatVector(), pb.toFloatVector(), "step " + step);
                }
                assertEquals(0, server.stats().drops().total(), server.stats().drops().summary());
            }
        }
    }

    @Test
    void udpDefaultChunkIsAeronsLargestFrameWhateverTheMtu() {
        INDArray init = Nd4j.zeros(DataType.FLOAT, 1000);
        ParameterServerConfig ethernet = ParameterServerConfig.builder().workers(1).initialParameters(init)
                .optimizer(new SGD(0.1)).udp("127.0.0.1", 40123).mtu(1408).build();
        assertEquals(ParameterServerConfig.DEFAULT_UDP_CHUNK_ELEMENTS, ethernet.chunkElements());
        assertEquals(ParameterServerConfig.chunkElementsFor(65504), ethernet.chunkElements());
        ParameterServerConfig ipc = ParameterServerConfig.builder().workers(1).initialParameters(init)
                .optimizer(new SGD(0.1)).build();
        assertEquals(ParameterServerConfig.chunkElementsFor(ipc.mtu()), ipc.chunkElements());
        // A small term caps the default at the term's largest message.
        ParameterServerConfig smallTerm = ParameterServerConfig.builder().workers(1).initialParameters(init)
                .optimizer(new SGD(0.1)).udp("127.0.0.1", 40123).mtu(1408).termLength(64 << 10).build();
        assertEquals(ShardLayout.maxChunkElements(64 << 10), smallTerm.chunkElements());
        assertTrue(smallTerm.chunkElements() * 4 < (64 << 10) / 8);
    }

    @Test
    void chunkSizesAChunkMessageCannotCarryAreRefusedWithWhatToChange() {
        INDArray init = Nd4j.zeros(DataType.FLOAT, 1000);
        IllegalArgumentException notAligned = assertThrows(IllegalArgumentException.class, () ->
                ParameterServerConfig.builder().workers(1).initialParameters(init).optimizer(new SGD(0.1))
                        .chunkElements(1001).build());
        assertTrue(notAligned.getMessage().contains("chunkElements: expected a multiple of 8"), notAligned.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () ->
                ParameterServerConfig.builder().workers(1).initialParameters(init).optimizer(new SGD(0.1))
                        .termLength(64 << 10).chunkElements(4096).build());
        assertTrue(tooLong.getMessage().contains("raise termLength"), tooLong.getMessage());
    }

    @Test
    void aWorkerWhoseTermCannotCarryTheServersChunksRefusesTheJoinAndSaysWhy() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray init = Nd4j.zeros(DataType.FLOAT, 300_000);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(1)
                .initialParameters(init).optimizer(new SGD(0.1)).udp("127.0.0.1", port).termLength(8 << 20)
                .chunkElements(200_000).build())) {
            ClientConfig small = ClientConfig.builder().jobId(server.config().jobId()).token(server.token())
                    .udp("127.0.0.1", port).termLength(1 << 20).joinTimeout(Duration.ofSeconds(10)).build();
            RuntimeException e = assertThrows(RuntimeException.class, () -> ParameterServerClient.connect(small).close());
            assertTrue(e.getMessage().contains("chunkElements=200000") && e.getMessage().contains("termLength=1048576"),
                    e.getMessage());
        }
    }
}
