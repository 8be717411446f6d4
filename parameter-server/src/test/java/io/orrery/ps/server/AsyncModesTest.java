package io.orrery.ps.server;

import io.orrery.core.optimizers.SGD;
import io.orrery.ps.TrainingMode;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.client.ParameterServerTimeoutException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsyncModesTest {

    static final int N = 4000;

    @Test
    void asyncAppliesEachGradientOnArrivalAndMeasuresStaleness() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(2).shards(2)
                .mode(TrainingMode.ASYNC).initialParameters(init).optimizer(new SGD(1.0)).build());
             ParameterServerClient w0 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server));
             ParameterServerClient w1 = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            INDArray p0 = Nd4j.zeros(DataType.FLOAT, N);
            INDArray p1 = Nd4j.zeros(DataType.FLOAT, N);
            w0.awaitInitialParameters(p0, IpcRoundTripTest.WAIT);
            w1.awaitInitialParameters(p1, IpcRoundTripTest.WAIT);
            w0.pushGradients(0, Nd4j.ones(DataType.FLOAT, N));
            w0.awaitParameters(0, p0, IpcRoundTripTest.WAIT);
            // Applied alone, scaled by 1/N: no waiting for worker 1.
            assertArrayEquals(init.sub(0.5).toFloatVector(), p0.toFloatVector(), 1e-6f);
            // Worker 1's gradient was computed on version 0 and lands on version 1: staleness 1.
            w1.pushGradients(0, Nd4j.ones(DataType.FLOAT, N).muli(3));
            w1.awaitParameters(0, p1, IpcRoundTripTest.WAIT);
            w1.awaitParameters(0, p1, IpcRoundTripTest.WAIT);
            assertArrayEquals(init.sub(2.0).toFloatVector(), p1.toFloatVector(), 1e-6f);
            assertEquals(4, server.stats().stepsApplied());
            assertEquals(1, server.stats().maxStaleness());
            assertEquals(0.5, server.stats().meanStaleness(), 1e-9);
        }
    }

    @Test
    void asyncAppliesTheLastGradientOfAWorkerThatLeftRightAfterSendingIt() throws InterruptedException {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(2).shards(2)
                .mode(TrainingMode.ASYNC).initialParameters(init).optimizer(new SGD(1.0)).build())) {
            for (int round = 0; round < 5; round++) {
                try (ParameterServerClient w = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
                    w.awaitInitialParameters(Nd4j.zeros(DataType.FLOAT, N), IpcRoundTripTest.WAIT);
                    w.pushGradients(round, Nd4j.ones(DataType.FLOAT, N));
                } // Leave right away: it can overtake the gradient's chunks (another stream, another agent)
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.stats().stepsApplied() < 10 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(10, server.stats().stepsApplied(), server.stats().line());
            assertEquals(0, server.stats().drops().total(), server.stats().drops().summary());
            assertArrayEquals(init.sub(2.5).toFloatVector(), server.parameters().toFloatVector(), 1e-5f);
        }
    }

    @Test
    void boundedModeHoldsAWorkerThatRunsTooFarAhead() {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(2).shards(1)
                .mode(TrainingMode.bounded(1)).initialParameters(init).optimizer(new SGD(1.0)).build());
             ParameterServerClient fast = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server));
             ParameterServerClient slow = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            INDArray pf = Nd4j.zeros(DataType.FLOAT, N);
            INDArray ps = Nd4j.zeros(DataType.FLOAT, N);
            fast.awaitInitialParameters(pf, IpcRoundTripTest.WAIT);
            slow.awaitInitialParameters(ps, IpcRoundTripTest.WAIT);
            INDArray g = Nd4j.ones(DataType.FLOAT, N);
            fast.pushGradients(0, g);
            fast.awaitParameters(0, pf, IpcRoundTripTest.WAIT); // step 0: bound allows it
            fast.pushGradients(1, g);
            ParameterServerTimeoutException held = assertThrows(ParameterServerTimeoutException.class,
                    () -> fast.awaitParameters(1, pf, Duration.ofMillis(500)));
            assertTrue(held.getMessage().contains("bounded staleness"), held.getMessage());
            slow.pushGradients(0, g);
            slow.awaitParameters(0, ps, IpcRoundTripTest.WAIT);
            fast.awaitParameters(1, pf, IpcRoundTripTest.WAIT); // the slow worker caught up
            assertEquals(3, server.stats().stepsApplied());
        }
    }

    @Test
    void nextParametersLetsAWorkerComputeOnWhileTheServerAppliesAndNeverMixesVersions() {
        INDArray init = Nd4j.zeros(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(1).shards(2)
                .mode(TrainingMode.ASYNC).initialParameters(init).optimizer(new SGD(1.0)).build());
             ParameterServerClient worker = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            INDArray p = Nd4j.zeros(DataType.FLOAT, N);
            worker.awaitInitialParameters(p, IpcRoundTripTest.WAIT);
            INDArray ones = Nd4j.ones(DataType.FLOAT, N);
            int onSameVersion = 0;
            int steps = 200;
            for (int step = 0; step < steps; step++) {
                worker.pushGradients(step, ones);
                boolean fresh = worker.nextParameters(step, p, IpcRoundTripTest.WAIT);
                onSameVersion = fresh ? 0 : onSameVersion + 1;
                assertTrue(onSameVersion < ParameterServerClient.GRADIENTS_PER_VERSION,
                        "step " + step + ": more gradients on one version than allowed");
                // Every applied gradient moves every value by -1, and the two shards are contiguous halves of the
                // buffer: whole versions of each shard make at most two runs of equal values; a shard's buffer that
                // mixed two versions would make more.
                float[] v = p.toFloatVector();
                int runs = 1;
                for (int i = 1; i < N; i++) {
                    if (v[i] != v[i - 1]) {
                        runs++;
                    }
                }
                assertTrue(runs <= 2, "step " + step + ": " + runs + " runs of values, versions mixed");
                assertTrue(-v[0] >= 0 && -v[0] <= step + 1 && -v[N - 1] >= 0 && -v[N - 1] <= step + 1,
                        "step " + step + " holds versions " + -v[0] + " and " + -v[N - 1]);
            }
            long deadline = System.nanoTime() + IpcRoundTripTest.WAIT.toNanos();
            while (server.stats().stepsApplied() < 2L * steps && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            // Both shards applied every gradient; none was dropped as late or early.
            assertEquals(2L * steps, server.stats().stepsApplied(), server.stats().line());
            assertEquals(0, server.stats().drops().total(), server.stats().drops().summary());
        }
    }
}
