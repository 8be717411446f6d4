package io.orrery.ps.server;

import io.orrery.core.optimizers.SGD;
import io.orrery.ps.TrainingMode;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A BOUNDED member that falls silent (a killed executor's task, whose id waits for a retried task to take it over)
 * holds its peers for the worker timeout, not for ever: past it the server leaves it out of the slowest step it
 * reports. Before, the survivor's staleness wait ran into its step timeout and Spark retried the stage again
 * (`chaos --only spark-executor-sigkill`, 2026-12-03: "bounded staleness wait timed out: workerId=1 step=431
 * bound=2 slowestWorkerStep=427", the lost id's new task joining 28 s after its holder was last seen).
 */
class BoundedSilentPeerTest {

    static final int N = 4000;
    static final Duration WORKER_TIMEOUT = Duration.ofMillis(1500);

    private static ClientConfig beating(ParameterServer server, Duration heartbeats) {
        return ClientConfig.builder().jobId(server.config().jobId()).token(server.token())
                .ipc(server.aeronDirectory()).heartbeatInterval(heartbeats).build();
    }

    @Test
    void aSilentMemberHoldsItsBoundedPeersForTheWorkerTimeoutOnly() {
        INDArray init = Nd4j.zeros(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(2).shards(1)
                .mode(TrainingMode.bounded(1)).workerTimeout(WORKER_TIMEOUT).initialParameters(init)
                .optimizer(new SGD(1.0)).build());
             ParameterServerClient live = ParameterServerClient.connect(beating(server, Duration.ofMillis(200)));
             // joined, then never heard from again (no heartbeat within the test): a process that died
             ParameterServerClient dead = ParameterServerClient.connect(beating(server, Duration.ofHours(1)))) {
            INDArray p = Nd4j.zeros(DataType.FLOAT, N);
            INDArray g = Nd4j.ones(DataType.FLOAT, N);
            live.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
            dead.awaitInitialParameters(Nd4j.zeros(DataType.FLOAT, N), IpcRoundTripTest.WAIT);
            long t0 = System.nanoTime();
            for (int step = 0; step < 4; step++) {
                live.pushGradients(step, g);
                // the bound holds step 1 while the dead member counts (its last step -1); then it no longer does
                live.awaitParameters(step, p, Duration.ofSeconds(10));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds >= WORKER_TIMEOUT.toMillis() / 1000.0 * 0.5,
                    "the live worker was not held while its peer was within the worker timeout: " + seconds + " s");
            assertTrue(seconds < 8, "held " + seconds + " s, past the worker timeout: " + server.stats().line());
            assertEquals(4, server.stats().stepsApplied(), server.stats().line());
            assertEquals(-4.0 / 2, p.getFloat(0), 1e-6f, "four gradients of ones, each scaled by 1/2");
        }
    }
}
