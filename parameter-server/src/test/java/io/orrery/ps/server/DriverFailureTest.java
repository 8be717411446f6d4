package io.orrery.ps.server;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.DriverTimeoutException;
import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import org.agrona.IoUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's media driver closed from under a running server (the library case: a driver in the same JVM): the
 * server stops its agents and reports the failure to its owner instead of spinning for ever; a worker on its own
 * driver fails within its deadline with a message naming the server.
 */
class DriverFailureTest {

    static final int N = 3000;

    @Test
    void aServerWhoseDriverDiesStopsAndTellsItsOwnerAndTheWorkerFailsWithinItsDeadline(@TempDir Path dir) throws Exception {
        String driverDir = dir.resolve("driver").toString();
        MediaDriver driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(driverDir)
                .dirDeleteOnStart(true).dirDeleteOnShutdown(true).threadingMode(ThreadingMode.SHARED)
                .publicationTermBufferLength(1 << 20).ipcTermBufferLength(1 << 20));
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        ParameterServerConfig config = ParameterServerConfig.builder().jobId(5).workers(1).shards(1)
                .initialParameters(init).optimizer(new SGD(0.1)).udp("127.0.0.1", port).aeronDirectory(driverDir)
                .termLength(1 << 20).build();
        try (ParameterServer server = ParameterServer.start(config);
             ParameterServerClient worker = ParameterServerClient.connect(ClientConfig.builder().jobId(5)
                     .token(server.token()).udp("127.0.0.1", port).build())) {
            INDArray params = Nd4j.zeros(DataType.FLOAT, N);
            worker.awaitInitialParameters(params, IpcRoundTripTest.WAIT);
            worker.pushGradients(0, Nd4j.ones(DataType.FLOAT, N));
            worker.awaitParameters(0, params, IpcRoundTripTest.WAIT);
            assertFalse(server.failure().isDone());

            long killedAt = System.nanoTime();
            driver.close();
            Throwable cause = server.failure().get(60, TimeUnit.SECONDS);
            double detectedAfterS = (System.nanoTime() - killedAt) / 1e9;
            assertTrue(cause instanceof DriverTimeoutException, cause.toString());
            System.out.printf("driver closed; server failure reported after %.1f s%n", detectedAfterS);

            Duration deadline = Duration.ofSeconds(4);
            long start = System.nanoTime();
            RuntimeException e = assertThrows(RuntimeException.class, () -> {
                worker.pushGradients(1, Nd4j.ones(DataType.FLOAT, N));
                worker.awaitParameters(1, params, deadline);
            });
            double failedAfterS = (System.nanoTime() - start) / 1e9;
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), "the message names the server: " + e.getMessage());
            assertTrue(failedAfterS < deadline.toSeconds() + 11, "failed after " + failedAfterS
                    + " s: the deadline plus at most the offer timeout (10 s)");
            System.out.printf("worker failed after %.1f s: %s%n", failedAfterS, e);
        } finally {
            driver.close();
            IoUtil.delete(new File(driverDir), true);
        }
    }
}
