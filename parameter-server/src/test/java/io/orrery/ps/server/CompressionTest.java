package io.orrery.ps.server;

import io.orrery.core.models.Sequential;
import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.GradientEncoding;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient compression on the MNIST MLP: float16, bfloat16 and top-k sparse (with the residual kept on the worker)
 * reach within 0.5 percentage points of float32's test accuracy, with the bytes on the wire counted.
 */
class CompressionTest {

    static final int STEPS = 150;
    static final int BATCH = 64;
    static final int TEST_SAMPLES = 2000;

    record Result(double accuracy, long bytesSent, long serverBytesIn) {
    }

    static Result train(GradientEncoding encoding, INDArray[] train, INDArray[] test) {
        Sequential model = MnistMlp.model(new SGD(0.0));
        ParameterServerConfig config = ParameterServerConfig.builder().workers(1).shards(2).encoding(encoding)
                .initialParameters(model.parameters()).optimizer(new SGD(0.1)).build();
        try (ParameterServer server = ParameterServer.start(config);
             ParameterServerClient client = ParameterServerClient.connect(ClientConfig.builder()
                     .jobId(config.jobId()).token(server.token()).ipc(server.aeronDirectory()).sparseFraction(0.05).build())) {
            client.awaitInitialParameters(model.parameters(), IpcRoundTripTest.WAIT);
            for (int t = 0; t < STEPS; t++) {
                int from = t * BATCH;
                model.computeGradients(train[0].get(NDArrayIndex.interval(from, from + BATCH), NDArrayIndex.all()).dup(),
                        train[1].get(NDArrayIndex.interval(from, from + BATCH)).dup());
                client.pushGradients(t, model.gradients());
                client.awaitParameters(t, model.parameters(), IpcRoundTripTest.WAIT);
            }
            INDArray predicted = model.predict(test[0]).argMax(1).castTo(DataType.INT);
            double correct = predicted.eq(test[1].castTo(DataType.INT)).castTo(DataType.FLOAT).sumNumber().doubleValue();
            return new Result(100.0 * correct / TEST_SAMPLES, client.bytesSent(), server.stats().bytesIn());
        }
    }

    @Test
    void compressedEncodingsStayWithinHalfAPointOfFloat32AccuracyAndSendFewerBytes() {
        INDArray[] train = MnistMlp.trainSamples(0, STEPS * BATCH);
        INDArray[] test = MnistMlp.testSamples(TEST_SAMPLES);
        Map<GradientEncoding, Result> results = new EnumMap<>(GradientEncoding.class);
        for (GradientEncoding e : new GradientEncoding[]{GradientEncoding.FLOAT32, GradientEncoding.FLOAT16, GradientEncoding.BFLOAT16, GradientEncoding.SPARSE}) {
            results.put(e, train(e, train, test));
        }
        System.out.println("compression results (accuracy %, bytes sent): " + results);
        Result dense = results.get(GradientEncoding.FLOAT32);
        assertTrue(dense.accuracy() > 80, "float32 baseline should learn: " + dense);
        for (GradientEncoding e : new GradientEncoding[]{GradientEncoding.FLOAT16, GradientEncoding.BFLOAT16, GradientEncoding.SPARSE}) {
            Result r = results.get(e);
            assertTrue(r.accuracy() >= dense.accuracy() - 0.5, e + " accuracy " + r.accuracy() + " vs float32 " + dense.accuracy());
            assertTrue(r.bytesSent() == r.serverBytesIn(), "bytes counted on both sides: " + r);
        }
        assertTrue(results.get(GradientEncoding.FLOAT16).bytesSent() * 2 == dense.bytesSent());
        assertTrue(results.get(GradientEncoding.SPARSE).bytesSent() < dense.bytesSent() / 8, results.toString());
    }
}
