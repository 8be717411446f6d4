package io.orrery.ps.server;

import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ParameterServerClient;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A 10-million-parameter model streams through in chunks like MNIST's 407,050 (no message-size ceiling). */
class LargeModelTest {

    @Test
    void tenMillionParametersRoundTrip() {
        int n = 10_000_000;
        INDArray init = Nd4j.arange(n).castTo(DataType.FLOAT).divi(n);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(1).shards(4)
                .initialParameters(init).optimizer(new SGD(0.5)).build());
             ParameterServerClient worker = ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server))) {
            INDArray params = Nd4j.zeros(DataType.FLOAT, n);
            worker.awaitInitialParameters(params, IpcRoundTripTest.WAIT);
            assertEquals(init.getFloat(n - 1), params.getFloat(n - 1));
            INDArray grads = Nd4j.ones(DataType.FLOAT, n);
            for (long t = 0; t < 2; t++) {
                worker.pushGradients(t, grads);
                worker.awaitParameters(t, params, IpcRoundTripTest.WAIT);
            }
            assertEquals(0.0, params.sub(init.sub(1.0)).amaxNumber().doubleValue(), 1e-6);
            assertEquals(2L * n * 4, server.stats().bytesIn());
        }
    }
}
