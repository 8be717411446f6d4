package io.orrery.ps.server;

import io.orrery.core.optimizers.Adam;
import io.orrery.core.optimizers.OptimizerState;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several server processes share one job: each hosts a range of shards; workers connect to all of them. */
class SplitServerTest {

    static final int N = 9000;
    static final int STEPS = 3;

    static ParameterServerConfig.Builder base(INDArray init) {
        return ParameterServerConfig.builder().jobId(5).token(55).workers(2).shards(4)
                .initialParameters(init).optimizer(new Adam(0.01));
    }

    /** Reproducible gradient values (java.util.Random: ND4J's generator is shared with other threads). */
    static INDArray gradient(long seed, float scale) {
        java.util.Random random = new java.util.Random(seed);
        float[] values = new float[N];
        for (int i = 0; i < N; i++) {
            values[i] = (random.nextFloat() - 0.5f) * scale;
        }
        return Nd4j.createFromArray(values);
    }

    /** Two workers (threads) train STEPS steps with fixed gradients; returns worker 0's parameters. */
    static INDArray train(ClientConfig config) throws Exception {
        List<ParameterServerClient> clients = new ArrayList<>();
        try {
            clients.add(ParameterServerClient.connect(config));
            clients.add(ParameterServerClient.connect(config));
            INDArray[] params = {Nd4j.zeros(DataType.FLOAT, N), Nd4j.zeros(DataType.FLOAT, N)};
            INDArray[][] grads = new INDArray[2][STEPS];
            for (int w = 0; w < 2; w++) {
                for (int t = 0; t < STEPS; t++) {
                    grads[w][t] = gradient(100L * t + w, w + 1);
                }
            }
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                int w = k;
                threads.add(new Thread(() -> {
                    ParameterServerClient c = clients.get(w);
                    c.awaitInitialParameters(params[w], IpcRoundTripTest.WAIT);
                    for (int t = 0; t < STEPS; t++) {
                        c.pushGradients(t, grads[w][t]);
                        c.awaitParameters(t, params[w], IpcRoundTripTest.WAIT);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertArrayEquals(params[0].toFloatVector(), params[1].toFloatVector());
            return params[0];
        } finally {
            clients.forEach(ParameterServerClient::close);
        }
    }

    @Test
    void twoServerProcessesOverUdpGiveTheSameResultAsOne() throws Exception {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        INDArray single;
        try (ParameterServer one = ParameterServer.start(base(init).build())) {
            single = train(ClientConfig.builder().jobId(5).token(55).ipc(one.aeronDirectory()).build());
        }
        int portA = UdpMultiProcessTest.freeUdpPortPair();
        int portB = UdpMultiProcessTest.freeUdpPortPair();
        try (ParameterServer a = ParameterServer.start(base(init).shardRange(0, 1).udp("127.0.0.1", portA).build());
             ParameterServer b = ParameterServer.start(base(init).shardRange(1, 3).udp("127.0.0.1", portB).build())) {
            INDArray split = train(ClientConfig.builder().jobId(5).token(55).udp("127.0.0.1", portA)
                    .alsoUdp("127.0.0.1", portB).build());
            double diff = split.sub(single).amaxNumber().doubleValue();
            assertTrue(diff < 1e-6, "split servers vs one server: max |diff| = " + diff);
            OptimizerState state = b.optimizerState(3);
            assertTrue(state.iterations() == STEPS);
            assertThrows(IllegalArgumentException.class, () -> a.optimizerState(2));
        }
    }

    @Test
    void aWorkerThatDoesNotListEveryServerIsToldWhichShardIsMissing() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer a = ParameterServer.start(base(init).shardRange(0, 2).build())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ParameterServerClient.connect(
                    ClientConfig.builder().jobId(5).token(55).ipc(a.aeronDirectory()).build()));
            assertTrue(e.getMessage().contains("no server hosts shard 2"), e.getMessage());
        }
    }
}
