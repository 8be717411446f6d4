package io.orrery.ps.server;

import io.orrery.core.models.Sequential;
import io.orrery.core.optimizers.SGD;
import io.orrery.ps.JobKey;
import io.orrery.ps.JobSecret;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.time.Duration;

/**
 * A worker JVM for {@link UdpMultiProcessTest}: joins over UDP, trains its share of each global batch of MNIST,
 * prints {@code step=t loss=l} per step and exits 0.
 *
 * <p>Arguments: serverHost port jobId token workerIndex workers steps batchPerWorker. With the environment variable
 * {@code ORRERY_PS_SECRET} set (a secret never goes on a command line) the worker proves the job key derived from it
 * instead of sending the token.
 */
public final class MnistWorkerProcess {

    private MnistWorkerProcess() {
    }

    public static void main(String[] args) {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long jobId = Long.parseLong(args[2]);
        long token = Long.parseLong(args[3]);
        int index = Integer.parseInt(args[4]);
        int workers = Integer.parseInt(args[5]);
        int steps = Integer.parseInt(args[6]);
        int batch = Integer.parseInt(args[7]);
        INDArray[] data = MnistMlp.trainSamples(0, steps * workers * batch);
        Sequential model = MnistMlp.model(new SGD(0.0));
        ClientConfig.Builder builder = ClientConfig.builder().jobId(jobId).udp(host, port).workerId(index)
                .joinTimeout(Duration.ofSeconds(60));
        String secret = System.getenv(JobSecret.ENVIRONMENT_VARIABLE);
        ClientConfig config = (secret == null ? builder.token(token) : builder.jobKey(JobKey.derive(secret, jobId)))
                .build();
        try (ParameterServerClient client = ParameterServerClient.connect(config)) {
            client.awaitInitialParameters(model.parameters(), Duration.ofSeconds(60));
            for (int t = 0; t < steps; t++) {
                int from = (t * workers + index) * batch;
                INDArray x = data[0].get(NDArrayIndex.interval(from, from + batch), NDArrayIndex.all()).dup();
                INDArray y = data[1].get(NDArrayIndex.interval(from, from + batch)).dup();
                double loss = model.computeGradients(x, y);
                client.pushGradients(t, model.gradients());
                client.awaitParameters(t, model.parameters(), Duration.ofSeconds(60));
                System.out.println("step=" + t + " loss=" + loss);
            }
            System.out.println("bytesSent=" + client.bytesSent());
        }
        System.exit(0);
    }
}
