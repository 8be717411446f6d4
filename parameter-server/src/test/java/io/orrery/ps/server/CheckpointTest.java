package io.orrery.ps.server;

import io.orrery.core.optimizers.Adam;
import io.orrery.core.optimizers.OptimizerState;
import io.orrery.ps.client.ParameterServerClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/architecture.md, invariant 6: a server restarted on a checkpoint resumes with identical state, bit for bit. */
class CheckpointTest {

    static final int N = 7000;

    static ParameterServerConfig.Builder config(Path dir, INDArray init) {
        return ParameterServerConfig.builder().jobId(9).token(1234).workers(1).shards(3)
                .initialParameters(init).optimizer(new Adam(0.01)).checkpoints(dir, 2);
    }

    static INDArray gradient(long step) {
        Nd4j.getRandom().setSeed(1000 + step);
        return Nd4j.randn(DataType.FLOAT, N);
    }

    /** Runs steps [from, to) with deterministic gradients and returns the parameters the worker ends with. */
    static INDArray train(ParameterServer server, long from, long to) {
        try (ParameterServerClient worker = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            INDArray params = Nd4j.zeros(DataType.FLOAT, N);
            worker.awaitInitialParameters(params, IpcRoundTripTest.WAIT);
            assertEquals(from, worker.startStep());
            for (long t = from; t < to; t++) {
                worker.pushGradients(t, gradient(t));
                worker.awaitParameters(t, params, IpcRoundTripTest.WAIT);
            }
            return params;
        }
    }

    static void assertSameState(ParameterServer a, ParameterServer b) {
        assertArrayEquals(a.parameters().toFloatVector(), b.parameters().toFloatVector());
        for (int s = 0; s < a.config().shards(); s++) {
            OptimizerState sa = a.optimizerState(s);
            OptimizerState sb = b.optimizerState(s);
            assertEquals(sa.iterations(), sb.iterations());
            assertEquals(sa.slots().length, sb.slots().length);
            for (int i = 0; i < sa.slots().length; i++) {
                assertArrayEquals(sa.slots()[i].toFloatVector(), sb.slots()[i].toFloatVector(), "shard " + s + " slot " + i);
            }
        }
    }

    @Test
    void restartedServerResumesFromEveryKStepsCheckpointBitForBit(@TempDir Path dir) throws IOException {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        INDArray uninterrupted;
        try (ParameterServer reference = ParameterServer.start(config(dir.resolve("ref"), init).build())) {
            uninterrupted = train(reference, 0, 7);
        }
        try (ParameterServer first = ParameterServer.start(config(dir.resolve("run"), init).build())) {
            train(first, 0, 5); // checkpoints at versions 2 and 4; the crash loses step 5
        }
        List<String> files;
        try (Stream<Path> list = Files.list(dir.resolve("run"))) {
            files = list.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertEquals(6, files.size(), "3 shards x last two checkpoints, no temporary files: " + files);
        assertTrue(files.contains("shard-0002-of-0003-v000000000004.ckpt"), files.toString());

        try (ParameterServer resumed = ParameterServer.start(config(dir.resolve("run"), null).resume(true).build())) {
            assertEquals(4, resumed.version());
            INDArray after = train(resumed, 4, 7);
            assertArrayEquals(uninterrupted.toFloatVector(), after.toFloatVector());
        }
    }

    @Test
    void checkpointOnRequestCapturesParametersAndOptimizerState(@TempDir Path dir) throws Exception {
        INDArray init = Nd4j.rand(DataType.FLOAT, N);
        try (ParameterServer server = ParameterServer.start(config(dir, init).checkpoints(dir, 0).build())) {
            train(server, 0, 3);
            List<Path> written = server.checkpoint().get(10, TimeUnit.SECONDS);
            assertEquals(3, written.size());
            try (ParameterServer restored = ParameterServer.start(config(dir, null).checkpoints(dir, 0).resume(true).build())) {
                assertEquals(3, restored.version());
                assertSameState(server, restored);
            }
        }
    }
}
