package io.orrery.spark;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Specs whose replicas start from the driver model's non-trainable state (BatchNormalization's moving statistics),
 * for evaluation and prediction on the executors: {@link ReplicableModel#spec()} rebuilds the architecture only, so
 * without this a replica would normalize with the initial moving statistics (mean 0, variance 1).
 */
final class ReplicaState {

    private ReplicaState() {
    }

    /** {@code model.spec()}, plus its current non-trainable state when it has any (small: two values per channel). */
    static ModelSpec specWithState(ReplicableModel model) {
        ModelSpec spec = model.spec();
        INDArray state = model.nonTrainableParameters();
        if (state == null) {
            return spec;
        }
        float[] values = state.toFloatVector();
        return () -> {
            ReplicableModel replica = spec.build();
            replica.nonTrainableParameters().assign(Nd4j.createFromArray(values));
            return replica;
        };
    }
}
