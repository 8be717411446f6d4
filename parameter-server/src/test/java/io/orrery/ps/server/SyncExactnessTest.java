package io.orrery.ps.server;

import io.orrery.core.layers.Dense;
import io.orrery.core.losses.SparseCategoricalCrossentropy;
import io.orrery.core.models.Sequential;
import io.orrery.core.optimizers.Adam;
import io.orrery.core.optimizers.Optimizer;
import io.orrery.core.optimizers.SGD;
import io.orrery.ps.client.ParameterServerClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/architecture.md, invariant 2: N workers in SYNC mode, each on its b samples of a global batch, end with the same
 * parameters (to float tolerance) as one process training on the N*b samples, for SGD and Adam and N = 1, 2, 4.
 */
class SyncExactnessTest {

    static final int BATCH_PER_WORKER = 8;
    static final int STEPS = 4;

    static Stream<Arguments> cases() {
        Supplier<Optimizer> sgd = () -> new SGD(0.1);
        Supplier<Optimizer> adam = () -> new Adam(1e-3);
        List<Arguments> list = new ArrayList<>();
        for (int n : new int[]{1, 2, 4}) {
            list.add(Arguments.of("sgd", sgd, n));
            list.add(Arguments.of("adam", adam, n));
        }
        return list.stream();
    }

    static Sequential model(Optimizer optimizer) {
        Sequential model = new Sequential(List.of(new Dense(32, "tanh"), new Dense(10)));
        model.setSeed(7);
        model.build(784);
        model.compile(optimizer, new SparseCategoricalCrossentropy(true), new String[0]);
        return model;
    }

    @ParameterizedTest(name = "{0} with {2} workers")
    @MethodSource("cases")
    void syncTrainingMatchesSingleNodeOnGlobalBatch(String name, Supplier<Optimizer> optimizer, int workers) {
        Nd4j.getRandom().setSeed(123);
        int global = workers * BATCH_PER_WORKER;
        INDArray[] xs = new INDArray[STEPS];
        INDArray[] ys = new INDArray[STEPS];
        for (int t = 0; t < STEPS; t++) {
            xs[t] = Nd4j.rand(DataType.FLOAT, global, 784);
            int[] labels = new int[global];
            for (int i = 0; i < global; i++) {
                labels[i] = Nd4j.getRandom().nextInt(10);
            }
            ys[t] = Nd4j.createFromArray(labels);
        }

        Sequential single = model(optimizer.get());
        INDArray initial = single.parameters().dup();
        for (int t = 0; t < STEPS; t++) {
            single.trainOnBatch(xs[t], ys[t]);
        }

        ParameterServerConfig config = ParameterServerConfig.builder().workers(workers).shards(2)
                .initialParameters(initial).optimizer(optimizer.get()).build();
        List<ParameterServerClient> clients = new ArrayList<>();
        try (ParameterServer server = ParameterServer.start(config)) {
            List<Sequential> replicas = new ArrayList<>();
            for (int k = 0; k < workers; k++) {
                clients.add(ParameterServerClient.connect(IpcRoundTripTest.clientConfig(server)));
                Sequential replica = model(new SGD(0.0));
                replica.parameters().assign(0);
                clients.get(k).awaitInitialParameters(replica.parameters(), IpcRoundTripTest.WAIT);
                replicas.add(replica);
            }
            for (int t = 0; t < STEPS; t++) {
                for (int k = 0; k < workers; k++) {
                    INDArray x = xs[t].get(NDArrayIndex.interval(k * BATCH_PER_WORKER, (k + 1) * BATCH_PER_WORKER), NDArrayIndex.all());
                    INDArray y = ys[t].get(NDArrayIndex.interval(k * BATCH_PER_WORKER, (k + 1) * BATCH_PER_WORKER));
                    replicas.get(k).computeGradients(x.dup(), y.dup());
                    clients.get(k).pushGradients(t, replicas.get(k).gradients());
                }
                for (int k = 0; k < workers; k++) {
                    clients.get(k).awaitParameters(t, replicas.get(k).parameters(), IpcRoundTripTest.WAIT);
                }
            }
            double scale = single.parameters().norm2Number().doubleValue();
            for (Sequential replica : replicas) {
                double diff = replica.parameters().sub(single.parameters()).amaxNumber().doubleValue();
                assertTrue(diff < 2e-6, name + " N=" + workers + ": max |distributed - single| = " + diff
                        + " (parameter norm " + scale + ")");
            }
            double moved = single.parameters().sub(initial).amaxNumber().doubleValue();
            assertTrue(moved > 1e-4, "training must move the parameters, moved " + moved);
        } finally {
            clients.forEach(ParameterServerClient::close);
        }
    }
}
