package io.orrery.ps.client;

import io.orrery.core.optimizers.SGD;
import io.orrery.ps.server.ParameterServer;
import io.orrery.ps.server.ParameterServerConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SYNC wait whose peer never sends (worker 1 never pushes) ends promptly when cancelled or interrupted, long
 * before the 60 s step and wait timeouts.
 */
class CancellableWaitTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    @Test
    void cancellationCheckEndsTheWait() throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        Throwable thrown = waitForMissingPeer(client -> client.cancelWhen(killed::get), thread -> killed.set(true));
        assertInstanceOf(WaitCancelledException.class, thrown);
        assertTrue(thrown.getMessage().contains("cancelled by the caller") && thrown.getMessage().contains("version=1"),
                thrown.getMessage());
    }

    @Test
    void interruptEndsTheWait() throws Exception {
        Throwable thrown = waitForMissingPeer(client -> { }, Thread::interrupt);
        assertInstanceOf(WaitCancelledException.class, thrown);
        assertTrue(thrown.getMessage().contains("thread interrupted"), thrown.getMessage());
    }

    private static Throwable waitForMissingPeer(java.util.function.Consumer<ParameterServerClient> setup,
                                                java.util.function.Consumer<Thread> cancel) throws Exception {
        int n = 1000;
        ParameterServerConfig config = ParameterServerConfig.builder().workers(2)
                .initialParameters(Nd4j.rand(DataType.FLOAT, n)).optimizer(new SGD(0.1)).stepTimeout(LONG).build();
        try (ParameterServer server = ParameterServer.start(config)) {
            ClientConfig cc = ClientConfig.builder().jobId(config.jobId()).token(server.token())
                    .ipc(server.aeronDirectory()).build();
            CompletableFuture<Thread> waiting = new CompletableFuture<>();
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread worker = new Thread(() -> {
                try (ParameterServerClient client = ParameterServerClient.connect(cc)) {
                    setup.accept(client);
                    INDArray params = Nd4j.zeros(DataType.FLOAT, n);
                    client.awaitInitialParameters(params, LONG);
                    client.pushGradients(0, Nd4j.ones(DataType.FLOAT, n));
                    waiting.complete(Thread.currentThread());
                    client.awaitParameters(0, params, LONG);
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            worker.start();
            Thread thread = waiting.get(30, TimeUnit.SECONDS);
            Thread.sleep(300);
            long cancelled = System.nanoTime();
            cancel.accept(thread);
            Throwable thrown = outcome.get(5, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - cancelled) / 1e9;
            worker.join(5000);
            assertTrue(seconds < 2, "wait ended " + seconds + " s after the cancellation");
            return thrown;
        }
    }
}
