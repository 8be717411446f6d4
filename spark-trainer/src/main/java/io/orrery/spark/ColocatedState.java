package io.orrery.spark;

import io.orrery.core.optimizers.OptimizerState;
import io.orrery.spark.exec.TaskReport;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Joins the epoch's state of colocated shards on the driver: worker k's report carries shard k's slice of the flat
 * parameters and of every optimizer slot, shards are contiguous and in worker order, so the whole buffer is their
 * concatenation (invariant 1).
 */
final class ColocatedState {

    private ColocatedState() {
    }

    /**
     * Puts the whole model's parameters and optimizer state, joined from the N shard reports, into {@code model}.
     *
     * @param reports the stage's reports, sorted by worker
     */
    static void restore(ReplicableModel model, List<TaskReport> reports) {
        long modelLength = model.parameters().length();
        int n = reports.size();
        float[][] params = new float[n][];
        OptimizerState[] states = new OptimizerState[n];
        long total = 0;
        for (int k = 0; k < n; k++) {
            TaskReport r = reports.get(k);
            if (r.worker() != k || r.parameters() == null || r.optimizerState() == null) {
                throw new IllegalStateException("colocated shards: expected worker " + k + "'s report with its shard's"
                        + " parameters and optimizer state, found worker=" + r.worker() + " parameters="
                        + (r.parameters() == null ? "none" : r.parameters().length) + " optimizerState="
                        + (r.optimizerState() == null ? "none" : "present") + "; this is a bug, please report it");
            }
            params[k] = r.parameters();
            states[k] = read(r.optimizerState());
            total += params[k].length;
        }
        if (total != modelLength) {
            throw new IllegalStateException("colocated shards: the " + n + " shard slices hold " + total
                    + " parameters, the model has " + modelLength + "; this is a bug, please report it");
        }
        float[] whole = new float[(int) total];
        int at = 0;
        for (float[] p : params) {
            System.arraycopy(p, 0, whole, at, p.length);
            at += p.length;
        }
        INDArray[] slots = new INDArray[states[0].slots().length];
        for (int s = 0; s < slots.length; s++) {
            INDArray[] parts = new INDArray[n];
            for (int k = 0; k < n; k++) {
                parts[k] = states[k].slots()[s].reshape(-1);
            }
            slots[s] = n == 1 ? parts[0] : Nd4j.concat(0, parts);
        }
        model.parameters().assign(Nd4j.createFromArray(whole));
        // Every shard applies every step, so their iteration counts agree.
        model.restoreOptimizerState(new OptimizerState(states[0].iterations(), slots));
    }

    private static OptimizerState read(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return OptimizerState.readFrom(in, DataType.FLOAT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
