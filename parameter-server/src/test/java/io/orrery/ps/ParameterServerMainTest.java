package io.orrery.ps;

import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.server.ParameterServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterServerMainTest {

    @Test
    void helpListsTheOptions() {
        StringWriter out = new StringWriter();
        int code = new CommandLine(new ParameterServerMain()).setOut(new PrintWriter(out)).execute("--help");
        assertEquals(0, code);
        assertTrue(out.toString().contains("--workers"), out.toString());
        assertTrue(out.toString().contains("--udp"), out.toString());
    }

    @Test
    void missingWorkersIsAUsageError() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new ParameterServerMain()).setErr(new PrintWriter(err)).execute("--shards", "2");
        assertNotEquals(0, code);
        assertTrue(err.toString().contains("--workers"), err.toString());
    }

    @Test
    void startsFromARawParameterFileAndServesAWorker(@TempDir Path dir) throws Exception {
        float[] values = {1f, 2f, 3f, 4f, 5f};
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        Path file = dir.resolve("params.f32");
        Files.write(file, bytes.array());
        ParameterServerMain main = new ParameterServerMain();
        new CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--workers", "1", "--shards", "2",
                "--params", file.toString(), "--optimizer", "sgd", "--learning-rate", "0.5", "--token", "5");
        try (ParameterServer server = main.start();
             ParameterServerClient client = ParameterServerClient.connect(ClientConfig.builder().token(5)
                     .ipc(server.aeronDirectory()).build())) {
            INDArray params = Nd4j.zeros(DataType.FLOAT, 5);
            client.awaitInitialParameters(params, Duration.ofSeconds(20));
            assertArrayEquals(values, params.toFloatVector());
            client.pushGradients(0, Nd4j.ones(DataType.FLOAT, 5));
            client.awaitParameters(0, params, Duration.ofSeconds(20));
            assertArrayEquals(new float[]{0.5f, 1.5f, 2.5f, 3.5f, 4.5f}, params.toFloatVector());
        }
    }
}
