package io.orrery.ps.bench;

import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ClientConfig;
import io.orrery.ps.client.ParameterServerClient;
import io.orrery.ps.server.ParameterServer;
import io.orrery.ps.server.ParameterServerConfig;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

/**
 * Benchmark harness (not a test): gradient ingest rate per shard, SYNC round-trip time for the 407,050-parameter
 * MNIST MLP with 1, 2 and 4 workers over aeron:ipc, and a plain memory copy of the same bytes as the limit.
 * Run: see docs/benchmarks.md.
 */
public final class PsBenchmark {

    static final int MNIST_PARAMS = 407_050;
    static final Duration WAIT = Duration.ofSeconds(60);

    private PsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cpus, java " + System.getProperty("java.version"));
        if (args.length > 0 && args[0].equals("udp")) {
            udpRows();
            return;
        }
        memoryCopy(MNIST_PARAMS);
        memoryCopy(10_000_000);
        ingest(10_000_000, 1, 1);
        ingest(10_000_000, 2, 1);
        for (int shards : new int[]{1, 2}) {
            for (int workers : new int[]{1, 2, 4}) {
                roundTrip(MNIST_PARAMS, workers, shards, 20, 100, 0, 0);
            }
        }
        udpRows();
    }

    /**
     * UDP on loopback: at an Ethernet MTU with chunks of one frame (how chunks were cut before the chunk size became
     * a job setting) against the default chunk (Aeron's largest frame, fragmented at this MTU), then larger MTUs.
     */
    static void udpRows() throws Exception {
        for (int workers : new int[]{1, 2, 4}) {
            int port = 20000 + 2 * workers;
            roundTrip(MNIST_PARAMS, workers, 1, 10, 50, port, 1408, ParameterServerConfig.chunkElementsFor(1408));
            roundTrip(MNIST_PARAMS, workers, 1, 10, 50, port + 100, 1408, 0);
            roundTrip(MNIST_PARAMS, workers, 1, 10, 50, port + 200, 8192, 0);
            roundTrip(MNIST_PARAMS, workers, 1, 10, 50, port + 300, 65504, 0);
        }
    }

    static void roundTrip(int elements, int workers, int shards, int warmup, int steps, int udpPort,
                          int mtu) throws Exception {
        roundTrip(elements, workers, shards, warmup, steps, udpPort, mtu, 0);
    }

    static void memoryCopy(int elements) {
        int bytes = elements * 4;
        UnsafeBuffer src = new UnsafeBuffer(BufferUtil.allocateDirectAligned(bytes, 64));
        UnsafeBuffer dst = new UnsafeBuffer(BufferUtil.allocateDirectAligned(bytes, 64));
        int reps = Math.max(20, 2_000_000_000 / bytes);
        for (int i = 0; i < reps / 4; i++) {
            dst.putBytes(0, src, 0, bytes);
        }
        long start = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            dst.putBytes(0, src, 0, bytes);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("memcpy: elements=%d bytes=%d perCopyUs=%.1f GBps=%.2f%n", elements, bytes,
                seconds / reps * 1e6, (double) bytes * reps / seconds / 1e9);
    }

    /** Workers push full gradients into one shard; timed from first push to the shard having added every byte. */
    static void ingest(int elements, int workers, int shards) throws Exception {
        INDArray init = Nd4j.zeros(DataType.FLOAT, elements);
        try (ParameterServer server = ParameterServer.start(ParameterServerConfig.builder().workers(workers).shards(shards)
                .initialParameters(init).optimizer(new SGD(0.0)).build())) {
            List<ParameterServerClient> clients = connect(server, workers);
            INDArray grads = Nd4j.rand(DataType.FLOAT, elements);
            int steps = 6;
            double[] gbps = new double[steps];
            for (int t = 0; t < steps; t++) {
                long before = server.stats().bytesIn();
                long expected = before + (long) elements * 4 * workers;
                long start = System.nanoTime();
                long step = t;
                List<Thread> threads = new ArrayList<>();
                for (ParameterServerClient c : clients) {
                    // Each worker reads parameters on its own thread, as separate processes would.
                    Thread th = new Thread(() -> {
                        INDArray params = Nd4j.zeros(DataType.FLOAT, elements);
                        c.pushGradients(step, grads);
                        c.awaitParameters(step, params, WAIT);
                    });
                    threads.add(th);
                    th.start();
                }
                while (server.stats().bytesIn() < expected) {
                    Thread.onSpinWait();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                gbps[t] = (double) elements * 4 * workers / seconds / 1e9;
                for (Thread th : threads) {
                    th.join();
                }
            }
            double[] warm = Arrays.copyOfRange(gbps, 1, steps);
            Arrays.sort(warm);
            System.out.printf("ingest: elements=%d workers=%d shards=%d GBps(median of %d)=%.2f perShardGBps=%.2f%n",
                    elements, workers, shards, warm.length, warm[warm.length / 2], warm[warm.length / 2] / shards);
            clients.forEach(ParameterServerClient::close);
        }
    }

    /** Time of one SYNC step (all workers push, server averages + applies SGD, all workers receive). */
    static void roundTrip(int elements, int workers, int shards, int warmup, int steps, int udpPort,
                          int mtu, int chunkElements) throws Exception {
        INDArray init = Nd4j.rand(DataType.FLOAT, elements);
        ParameterServerConfig.Builder builder = ParameterServerConfig.builder().workers(workers).shards(shards)
                .initialParameters(init).optimizer(new SGD(0.001));
        if (udpPort > 0) {
            builder.udp("127.0.0.1", udpPort).mtu(mtu);
        }
        if (chunkElements > 0) {
            builder.chunkElements(chunkElements);
        }
        try (ParameterServer server = ParameterServer.start(builder.build())) {
            List<ParameterServerClient> clients = new ArrayList<>();
            for (int k = 0; k < workers; k++) {
                ClientConfig.Builder cb = ClientConfig.builder().jobId(server.config().jobId()).token(server.token());
                clients.add(ParameterServerClient.connect(udpPort > 0 ? cb.udp("127.0.0.1", udpPort).mtu(mtu).build()
                        : cb.ipc(server.aeronDirectory()).build()));
            }
            long[] nanos = new long[steps];
            CyclicBarrier barrier = new CyclicBarrier(workers + 1);
            List<Thread> threads = new ArrayList<>();
            for (ParameterServerClient c : clients) {
                Thread th = new Thread(() -> {
                    INDArray grads = Nd4j.rand(DataType.FLOAT, elements);
                    INDArray params = Nd4j.zeros(DataType.FLOAT, elements);
                    try {
                        c.awaitInitialParameters(params, WAIT);
                        for (int t = 0; t < warmup + steps; t++) {
                            barrier.await();
                            c.pushGradients(t, grads);
                            c.awaitParameters(t, params, WAIT);
                            barrier.await();
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (int t = 0; t < warmup + steps; t++) {
                barrier.await();
                long start = System.nanoTime();
                barrier.await();
                if (t >= warmup) {
                    nanos[t - warmup] = System.nanoTime() - start;
                }
            }
            for (Thread th : threads) {
                th.join();
            }
            Arrays.sort(nanos);
            System.out.printf("syncRoundTrip: transport=%s mtu=%d chunkElements=%d elements=%d workers=%d shards=%d"
                            + " medianMs=%.2f p10Ms=%.2f p90Ms=%.2f meanAggregationMs=%.3f%n", udpPort > 0 ? "udp" : "ipc",
                    server.config().mtu(), server.config().chunkElements(), elements, workers, shards, nanos[steps / 2] / 1e6,
                    nanos[steps / 10] / 1e6, nanos[steps * 9 / 10] / 1e6,
                    server.stats().aggregationNs() / 1e6 / Math.max(1, server.stats().stepsApplied()));
            clients.forEach(ParameterServerClient::close);
        }
    }

    static List<ParameterServerClient> connect(ParameterServer server, int workers) {
        List<ParameterServerClient> clients = new ArrayList<>();
        for (int k = 0; k < workers; k++) {
            clients.add(ParameterServerClient.connect(ClientConfig.builder().jobId(server.config().jobId())
                    .token(server.token()).ipc(server.aeronDirectory()).build()));
        }
        return clients;
    }
}
