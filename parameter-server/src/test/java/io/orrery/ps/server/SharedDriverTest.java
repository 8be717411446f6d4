package io.orrery.ps.server;

import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.transport.SharedDriver;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several workers in one JVM (an executor's tasks) over UDP share one embedded media driver. */
class SharedDriverTest {

    @Test
    void workersInOneJvmShareOneDriverWhichTheLastCloseRemoves() throws Exception {
        int n = 5000;
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray init = Nd4j.rand(DataType.FLOAT, n);
        String directory;
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(2).shards(2)
                .initialParameters(init).optimizer(new SGD(1.0)).udp("0.0.0.0", port).build())) { // wildcard bind, as on a cluster
            ClientConfig config = ClientConfig.builder().jobId(server.config().jobId()).token(server.token())
                    .udp("127.0.0.1", port).sharedDriver(true).build();
            try (ParameterServerClient a = ParameterServerClient.connect(config);
                 ParameterServerClient b = ParameterServerClient.connect(config)) {
                assertEquals(2, SharedDriver.references());
                try (SharedDriver.Lease probe = SharedDriver.acquire(64 << 10, 1)) {
                    directory = probe.directory();
                }
                INDArray pa = Nd4j.zeros(DataType.FLOAT, n);
                INDArray pb = Nd4j.zeros(DataType.FLOAT, n);
                Thread other = new Thread(() -> b.awaitInitialParameters(pb, IpcRoundTripTest.WAIT));
                other.start();
                a.awaitInitialParameters(pa, IpcRoundTripTest.WAIT);
                other.join();
                a.pushGradients(0, Nd4j.ones(DataType.FLOAT, n));
                b.pushGradients(0, Nd4j.ones(DataType.FLOAT, n).muli(3));
                other = new Thread(() -> b.awaitParameters(0, pb, IpcRoundTripTest.WAIT));
                other.start();
                a.awaitParameters(0, pa, IpcRoundTripTest.WAIT);
                other.join();
                assertArrayEquals(init.sub(2.0).toFloatVector(), pa.toFloatVector(), 1e-6f);
                assertArrayEquals(pa.toFloatVector(), pb.toFloatVector());
            }
        }
        assertEquals(0, SharedDriver.references());
        assertFalse(new File(directory).exists(), directory);
    }

    /** An executor's next task (the next epoch's stage) takes the lingering driver instead of launching another. */
    @Test
    void aLingeringDriverServesTheNextUserAndStopsWhenTheLingerEnds() throws Exception {
        String first;
        try (SharedDriver.Lease lease = SharedDriver.acquire(64 << 10, 1, Duration.ofMillis(800))) {
            first = lease.directory();
        }
        assertTrue(SharedDriver.running(), "the driver lingers after its last lease");
        assertTrue(new File(first).exists(), first);
        try (SharedDriver.Lease again = SharedDriver.acquire(64 << 10, 1)) {
            assertEquals(first, again.directory(), "the next user takes the running driver");
        }
        // the linger asked for by the driver's first lease still holds after a lease that asked for none
        assertTrue(SharedDriver.running());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (SharedDriver.running() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(SharedDriver.running(), "the driver stops once the linger has passed unused");
        assertFalse(new File(first).exists(), first);
        assertEquals(0, SharedDriver.references());
    }
}
