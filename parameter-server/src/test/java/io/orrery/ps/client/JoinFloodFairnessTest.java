package io.orrery.ps.client;

import io.orrery.core.optimizers.SGD;
import io.orrery.ps.JobKey;
import io.orrery.ps.server.ParameterServer;
import io.orrery.ps.server.ParameterServerConfig;
import io.orrery.ps.server.UdpMultiProcessTest;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A flood of Joins from one sender does not keep an honest worker out of a keyed job: the server's budget for
 * challenges and rejections is shared per sender, so the flood spends its own share. Before, one budget for all
 * (20 a second) was spent by the flood as it refilled, the honest worker's Joins found it empty, and in the chaos
 * matrix's keyed fuzz a worker stayed out for more than 20 s.
 */
class JoinFloodFairnessTest {

    private static final long JOB = 4343;
    private static final JobKey KEY = JobKey.derive("flood fairness secret 0451", JOB);
    private static final int N = 1000;
    /** Well inside what it took under the flood before (join timeouts, more than 20 s in the chaos matrix). */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    @Test
    void anHonestKeyedJoinIsAnsweredWhileAnotherSenderFloodsJoins() throws Exception {
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        ParameterServerConfig config = ParameterServerConfig.builder().jobId(JOB).workers(2).shards(1)
                .initialParameters(init).optimizer(new SGD(0.5)).udp("127.0.0.1", port).jobKey(KEY).build();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        try (ParameterServer server = ParameterServer.start(config);
             RawKeyedPeer rogue = new RawKeyedPeer("127.0.0.1", port, JOB)) {
            long until = System.nanoTime() + 20_000_000_000L;
            while (!rogue.connected() && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertTrue(rogue.connected(), "the flooding peer never connected");
            // Joins as fast as the control stream takes them, reading its replies (a reader that stops would hold
            // the replies channel back by flow control, another matter).
            Thread flood = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        rogue.join(-1);
                        sent.incrementAndGet();
                    } catch (RuntimeException backPressured) {
                        Thread.onSpinWait();
                    }
                    rogue.poll();
                }
            }, "join-flood");
            flood.start();
            try {
                Thread.sleep(1500); // the flood has spent any budget it could by now
                long started = System.nanoTime();
                ClientConfig honest = ClientConfig.builder().jobId(JOB).udp("127.0.0.1", port).jobKey(KEY)
                        .joinTimeout(JOIN_TIMEOUT).build();
                try (ParameterServerClient worker = ParameterServerClient.connect(honest)) {
                    long joinedMs = (System.nanoTime() - started) / 1_000_000;
                    INDArray p = Nd4j.zeros(DataType.FLOAT, N);
                    worker.awaitInitialParameters(p, JOIN_TIMEOUT);
                    assertArrayEquals(init.toFloatVector(), p.toFloatVector());
                    System.out.printf("honest keyed join under a flood of %d Joins: %d ms; %s%n", sent.get(),
                            joinedMs, server.stats().line());
                }
            } finally {
                stop.set(true);
                flood.join();
            }
            assertTrue(sent.get() > 1000, "the flood sent only " + sent.get() + " Joins");
            assertTrue(server.stats().rejectionsNotSent() > 100, "the flood was rate limited: "
                    + server.stats().line());
        }
    }
}
