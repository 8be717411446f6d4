package io.orrery.ps.server;

import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.aeron.driver.status.StreamCounter;
import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.transport.Channels;
import io.orrery.ps.transport.SharedDriver;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker's client closes (a Spark task ends with its epoch) and the next one joins on the same executor, over
 * UDP loopback. The parameter broadcast is paced by its slowest receiver (min flow control), and a closed receiver
 * sends nothing to say it is gone: it holds the broadcast back until the flow control drops it. With Aeron's default
 * of 5 s, every epoch after the first waited 5 s at its second or third step (measured on the cluster path,
 * 2026-12-03); the broadcast channel sets a shorter receiver timeout. A receiver that closes its subscription (not
 * only its Aeron client) is gone at once: the driver removes it and tells the server's flow control (EOS).
 */
class ClosedReceiverTest {

    /** Two versions (2.4 MB each) are more than a receiver's window (2 MB on loopback), so a stall cannot hide. */
    static final int N = 600_000;

    @Test
    void aClosingClientRemovesItsBroadcastSubscriptionFromTheLingeringDriverAtOnce() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        // The lease stands for the executor's lingering driver: it outlives the task's client.
        try (SharedDriver.Lease executorDriver = SharedDriver.acquire(ClientConfig.DEFAULT_TERM_LENGTH, 64);
             Aeron observer = Aeron.connect(new Aeron.Context().aeronDirectoryName(executorDriver.directory()));
             ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(1).shards(1)
                     .initialParameters(Nd4j.zeros(DataType.FLOAT, N)).optimizer(new SGD(1.0))
                     .stepTimeout(Duration.ofSeconds(20)).udp("127.0.0.1", port).build())) {
            INDArray p = Nd4j.zeros(DataType.FLOAT, N);
            ParameterServerClient task = ParameterServerClient.connect(LeaveRaceTest.client(server, port)
                    .mtu(65504).build());
            task.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
            assertEquals(1, broadcastSubscriptions(observer.countersReader()), "the task's broadcast subscription");
            task.close();
            // Without closing its subscriptions first, the driver removed them only when it next checked for closed
            // clients (up to a second later), and until then the broadcast was paced by a receiver nobody reads.
            assertEquals(0, broadcastSubscriptions(observer.countersReader()),
                    "the closed task's broadcast subscription is still in the executor's driver");
        }
    }

    private static int broadcastSubscriptions(CountersReader counters) {
        int[] found = {0};
        counters.forEach((id, typeId, key, label) -> {
            if (typeId == AeronCounters.DRIVER_SUBSCRIBER_POSITION_TYPE_ID
                    && key.getInt(StreamCounter.STREAM_ID_OFFSET) == Channels.BROADCAST_STREAM_ID) {
                found[0]++;
            }
        });
        return found[0];
    }

    @Test
    void aClosedWorkersReceiverDoesNotHoldTheNextWorkersBroadcastBack() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray ones = Nd4j.ones(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(1).shards(1)
                .initialParameters(Nd4j.zeros(DataType.FLOAT, N)).optimizer(new SGD(1.0))
                .stepTimeout(Duration.ofSeconds(20)).udp("127.0.0.1", port).build())) {
            INDArray p = Nd4j.zeros(DataType.FLOAT, N);
            try (ParameterServerClient first = ParameterServerClient.connect(LeaveRaceTest.client(server, port)
                    .mtu(65504).build())) {
                first.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
                first.pushGradients(0, ones);
                first.awaitParameters(0, p, IpcRoundTripTest.WAIT);
            }
            try (ParameterServerClient next = connectOnceTheFirstHasLeft(server, port)) {
                long joined = System.nanoTime();
                next.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
                long slowestMs = (System.nanoTime() - joined) / 1_000_000;
                for (long step = 1; step <= 4; step++) {
                    long start = System.nanoTime();
                    next.pushGradients(step, ones);
                    next.awaitParameters(step, p, IpcRoundTripTest.WAIT);
                    slowestMs = Math.max(slowestMs, (System.nanoTime() - start) / 1_000_000);
                }
                assertEquals(-5f, p.getFloat(N - 1), "five steps of SGD(1) with gradients of ones");
                // A stall lasts the flow control's receiver timeout: 5 s by Aeron's default, 1 s as set here.
                assertTrue(slowestMs < 3_000, "slowest wait " + slowestMs + " ms: the closed receiver held the"
                        + " broadcast back; " + server.stats().line());
            }
        }
    }

    /** The first client's Leave and the next one's Join travel on different streams: the Join may come first. */
    private static ParameterServerClient connectOnceTheFirstHasLeft(ParameterServer server, int port) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                return ParameterServerClient.connect(LeaveRaceTest.client(server, port).mtu(65504).build());
            } catch (IllegalStateException e) {
                if (!e.getMessage().contains("live workers") || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
