package io.orrery.ps;

import io.orrery.core.optimizers.Adam;
import io.orrery.core.optimizers.OptimizerState;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The facade a trainer uses: whole-model parameters and optimizer state from a sharded server, stats, endpoints. */
class EmbeddedServerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aShardedServerReturnsTheWholeModelsParametersAndAdamStateAsOneNodeWouldHaveThem() {
        int n = 5_003;
        INDArray init = Nd4j.rand(DataType.FLOAT, n);
        Adam adam = new Adam(0.01);
        try (EmbeddedServer server = EmbeddedServer.builder(init, adam, 1).shards(3).ipc().start();
             ParameterServerClient worker = ParameterServerClient.connect(ClientConfig.builder()
                     .jobId(server.jobId()).token(server.token()).ipc(server.aeronDirectory()).build())) {
            assertNull(server.host());
            assertEquals(-1, server.port());
            assertEquals(TrainingMode.SYNC, server.mode());
            assertEquals(TrainingMode.SYNC, worker.mode());
            INDArray params = Nd4j.zeros(DataType.FLOAT, n);
            worker.awaitInitialParameters(params, WAIT);

            INDArray expected = init.dup();
            OptimizerState expectedState = adam.newState(n, DataType.FLOAT);
            for (long step = 0; step < 2; step++) {
                INDArray g = Nd4j.rand(DataType.FLOAT, n).subi(0.5);
                worker.pushGradients(step, g);
                worker.awaitParameters(step, params, WAIT);
                adam.apply(expected, g, expectedState);
            }
            assertEquals(2, server.version());
            assertArrayEquals(expected.toFloatVector(), server.parameters().toFloatVector(), 1e-6f);
            assertArrayEquals(params.toFloatVector(), server.parameters().toFloatVector());

            OptimizerState state = server.optimizerState();
            assertEquals(expectedState.iterations(), state.iterations());
            assertEquals(expectedState.slots().length, state.slots().length);
            for (int k = 0; k < state.slots().length; k++) {
                assertArrayEquals(expectedState.slots()[k].reshape(-1).toFloatVector(),
                        state.slots()[k].reshape(-1).toFloatVector(), 1e-6f, "slot " + k);
            }

            StatsSnapshot stats = server.stats();
            assertEquals(2L * 3, stats.stepsApplied(), "two steps on three shards");
            assertEquals(2L * n * 4, stats.bytesIn());
            assertTrue(stats.line().contains("stepsApplied=6"), stats.line());
        }
    }

    @Test
    void overUdpItPicksFreePortsAndServesAWorkerThere() {
        INDArray init = Nd4j.rand(DataType.FLOAT, 100);
        try (EmbeddedServer server = EmbeddedServer.builder(init, new Adam(), 1).mode(TrainingMode.ASYNC)
                .udpOnFreePorts("127.0.0.1").start();
             ParameterServerClient worker = ParameterServerClient.connect(ClientConfig.builder()
                     .jobId(server.jobId()).token(server.token()).udp(server.host(), server.port()).build())) {
            assertEquals("127.0.0.1", server.host());
            assertTrue(server.port() > 0 && server.port() < 65535, "port=" + server.port());
            assertEquals(TrainingMode.ASYNC, worker.mode());
            INDArray params = Nd4j.zeros(DataType.FLOAT, 100);
            worker.awaitInitialParameters(params, WAIT);
            assertArrayEquals(init.toFloatVector(), params.toFloatVector());
        }
    }

    @Test
    void aMissingSettingIsNamedAtStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedServer.builder(Nd4j.zeros(DataType.FLOAT, 4), new Adam(), 0).start());
        assertTrue(e.getMessage().contains("workers"), e.getMessage());
    }
}
