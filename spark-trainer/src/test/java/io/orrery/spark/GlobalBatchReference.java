package io.orrery.spark;

import io.orrery.spark.data.Sample;
import io.orrery.spark.exec.EpochOrder;
import io.orrery.spark.exec.WorkerSplit;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Single-node training on the trainer's global batches: worker k holds the k-th contiguous share of the samples and visits
 * them in {@link EpochOrder}; global step s is worker 0's batch s, then worker 1's, and so on (invariant 2).
 */
final class GlobalBatchReference {

    private GlobalBatchReference() {
    }

    /** Trains {@code model} in place with {@code step(x, y)} = computeGradients then applyGradients. */
    static void train(ReplicableModel model, List<Sample> data, int workers, int batch, int epochs, long seed) {
        int width = Math.toIntExact(model.inputWidth());
        List<List<Sample>> shares = new ArrayList<>();
        for (int k = 0; k < workers; k++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < data.size(); i++) {
            shares.get(WorkerSplit.workerOf(i, data.size(), workers)).add(data.get(i));
        }
        int perWorker = batch / workers;
        int smallest = shares.stream().mapToInt(List::size).min().orElse(0);
        int steps = smallest / perWorker;
        for (int epoch = 0; epoch < epochs; epoch++) {
            int[][] orders = new int[workers][];
            for (int k = 0; k < workers; k++) {
                orders[k] = EpochOrder.permutation(shares.get(k).size(), seed, epoch, k);
            }
            for (int s = 0; s < steps; s++) {
                float[] x = new float[batch * width];
                float[] y = new float[batch];
                int row = 0;
                for (int k = 0; k < workers; k++) {
                    for (int i = 0; i < perWorker; i++, row++) {
                        Sample sample = shares.get(k).get(orders[k][s * perWorker + i]);
                        System.arraycopy(sample.features(), 0, x, row * width, width);
                        y[row] = sample.label();
                    }
                }
                model.computeGradients(Nd4j.createFromArray(x).reshape(batch, width), Nd4j.createFromArray(y));
                model.applyGradients();
            }
        }
    }
}
