package io.orrery.ps.server;

import io.aeron.Aeron;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Four workers push the MNIST MLP's gradients at once into the server's one ingress socket over UDP loopback: the
 * streams' receiver windows together fit the socket's buffer, so nothing overflows it and the server's driver asks
 * for no retransmission. With a 2 MiB window each (before the windows were shared out) this test failed on the
 * loaded 2-CPU machine (load average about 55, 2026-12-02): the server's driver sent 4,566 NAKs in these 10 steps.
 */
class IngressLossTest {

    @Test
    void fourWorkersBurstingIntoOneIngressSocketLoseNothing() throws Exception {
        // Ethernet-sized frames: the kernel charges each datagram's bookkeeping, which weighs most on small frames.
        int n = 407_050;
        int workers = 4;
        int port = UdpMultiProcessTest.freeUdpPortPair();
        INDArray init = Nd4j.rand(DataType.FLOAT, n);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(workers)
                .initialParameters(init).optimizer(new SGD(0.001)).udp("127.0.0.1", port).mtu(1408).build())) {
            List<ParameterServerClient> clients = new ArrayList<>();
            try {
                for (int k = 0; k < workers; k++) {
                    clients.add(ParameterServerClient.connect(ClientConfig.builder().jobId(server.config().jobId())
                            .token(server.token()).udp("127.0.0.1", port).mtu(1408).build()));
                }
                AtomicReference<Throwable> failure = new AtomicReference<>();
                List<Thread> threads = new ArrayList<>();
                for (ParameterServerClient c : clients) {
                    Thread t = new Thread(() -> {
                        try {
                            INDArray params = Nd4j.zeros(DataType.FLOAT, n);
                            INDArray grads = Nd4j.rand(DataType.FLOAT, n);
                            c.awaitInitialParameters(params, IpcRoundTripTest.WAIT);
                            for (int step = 0; step < 10; step++) {
                                c.pushGradients(step, grads);
                                c.awaitParameters(step, params, IpcRoundTripTest.WAIT);
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    });
                    threads.add(t);
                    t.start();
                }
                for (Thread t : threads) {
                    t.join();
                }
                assertNull(failure.get());
                assertEquals(10, server.stats().stepsApplied());
                try (Aeron reader = Aeron.connect(new Aeron.Context().aeronDirectoryName(server.aeronDirectory()))) {
                    long naks = reader.countersReader().getCounterValue(SystemCounterDescriptor.NAK_MESSAGES_SENT.id());
                    assertEquals(0, naks, "NAKs the server's driver sent: datagrams were lost in the ingress socket");
                }
            } finally {
                clients.forEach(ParameterServerClient::close);
            }
        }
    }
}
