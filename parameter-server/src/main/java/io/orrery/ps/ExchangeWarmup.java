package io.orrery.ps;

import io.orrery.core.optimizers.Optimizer;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.transport.LifecycleLog;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;

/**
 * A throwaway one-worker SYNC job over UDP on loopback in this JVM, through its shared media driver (an executor's
 * tasks use that driver; a driver of its own would take a second to launch on a busy host), so that the JIT has compiled the exchange's
 * code (the client's encoding and assembly, the server's checks, sum, optimizer and publication) before a real job's
 * first step. A fresh JVM otherwise compiles it during the first epoch: in a JFR recording of a 2-executor run the
 * server's optimizer loops and message decoding reached C2 5-7 s into it, some of the client's in the second epoch.
 * It runs its own server, with a job id, token and ports of its own, and touches no real job's state.
 *
 * <pre>{@code
 * try (ExchangeWarmup warm = ExchangeWarmup.start(modelLength, optimizer)) {
 *     while (...) warm.step(gradient);
 * }
 * }</pre>
 */
public final class ExchangeWarmup implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String LOOPBACK = "127.0.0.1";

    private final EmbeddedServer server;
    private final ParameterServerClient client;
    private final INDArray parameters;
    private long step;

    private ExchangeWarmup(EmbeddedServer server, ParameterServerClient client, INDArray parameters) {
        this.server = server;
        this.client = client;
        this.parameters = parameters;
        this.step = client.startStep();
    }

    /**
     * Starts the throwaway server and its client.
     *
     * @param modelLength the real model's parameter count, so that the loops run over the real lengths
     * @param optimizer the real model's optimizer (its update loops are what the server runs most)
     */
    public static ExchangeWarmup start(long modelLength, Optimizer optimizer) {
        INDArray initial = Nd4j.zeros(DataType.FLOAT, modelLength);
        long jobId = System.nanoTime() & Long.MAX_VALUE;
        LifecycleLog.quiet(jobId);
        EmbeddedServer server;
        try {
            server = EmbeddedServer.builder(initial, optimizer, 1).jobId(jobId).mode(TrainingMode.SYNC)
                    .udpOnFreePorts(LOOPBACK).sharedDriver().start();
        } catch (RuntimeException e) {
            LifecycleLog.forget(jobId);
            throw e;
        }
        try {
            ParameterServerClient client = ParameterServerClient.connect(ClientConfig.builder()
                    .udp(LOOPBACK, server.port()).sharedDriver(true).jobId(server.jobId()).token(server.token())
                    .build());
            INDArray parameters = Nd4j.create(DataType.FLOAT, modelLength);
            try {
                client.awaitInitialParameters(parameters, WAIT);
            } catch (RuntimeException e) {
                client.close();
                throw e;
            }
            return new ExchangeWarmup(server, client, parameters);
        } catch (RuntimeException e) {
            server.close();
            LifecycleLog.forget(jobId);
            throw e;
        }
    }

    /** One step: pushes {@code gradient} (the model's length) and waits for the parameters that follow it. */
    public void step(INDArray gradient) {
        client.pushGradients(step, gradient);
        client.awaitParameters(step, parameters, WAIT);
        step++;
    }

    /** The parameters the throwaway server sent after the last step (zeros moved by the optimizer). */
    public INDArray parameters() {
        return parameters;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            server.close();
            LifecycleLog.forget(server.jobId());
        }
    }
}
