package io.orrery.ps.server;

import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpcRoundTripTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void twoWorkersGetTheAveragedSgdStepFromThreeShards() {
        int n = 10_001;
        INDArray init = Nd4j.rand(DataType.FLOAT, n);
        ParameterServerConfig config = ParameterServerConfig.builder()
                .workers(2).shards(3).initialParameters(init).optimizer(new SGD(0.5)).build();
        try (ParameterServer server = ParameterServer.start(config);
             ParameterServerClient w0 = ParameterServerClient.connect(clientConfig(server));
             ParameterServerClient w1 = ParameterServerClient.connect(clientConfig(server))) {
            assertEquals(0, w0.workerId());
            assertEquals(1, w1.workerId());
            INDArray p0 = Nd4j.zeros(DataType.FLOAT, n);
            INDArray p1 = Nd4j.zeros(DataType.FLOAT, n);
            w0.awaitInitialParameters(p0, WAIT);
            w1.awaitInitialParameters(p1, WAIT);
            assertArrayEquals(init.toFloatVector(), p0.toFloatVector());
            assertArrayEquals(init.toFloatVector(), p1.toFloatVector());

            INDArray expected = init.dup();
            for (long step = 0; step < 3; step++) {
                INDArray g0 = Nd4j.rand(DataType.FLOAT, n);
                INDArray g1 = Nd4j.rand(DataType.FLOAT, n).subi(0.5);
                w0.pushGradients(step, g0);
                w1.pushGradients(step, g1);
                w0.awaitParameters(step, p0, WAIT);
                w1.awaitParameters(step, p1, WAIT);
                expected.subi(g0.add(g1).divi(2).muli(0.5));
                assertArrayEquals(expected.toFloatVector(), p0.toFloatVector(), 1e-6f);
                assertArrayEquals(p0.toFloatVector(), p1.toFloatVector());
            }
            assertEquals(3, server.version());
            assertEquals(0, server.stats().drops().total(), server.stats().drops().summary());
            assertTrue(server.stats().bytesIn() == 3L * 2 * n * 4);
        }
    }

    static ClientConfig clientConfig(ParameterServer server) {
        return ClientConfig.builder().jobId(server.config().jobId()).token(server.token())
                .ipc(server.aeronDirectory()).build();
    }
}
