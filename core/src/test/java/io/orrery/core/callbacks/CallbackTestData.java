package io.orrery.core.callbacks;

import io.orrery.core.layers.Dense;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/** A small learnable problem and model for callback tests. */
final class CallbackTestData {

    static final INDArray X;
    static final INDArray Y;

    static {
        Nd4j.getRandom().setSeed(1);
        X = Nd4j.rand(DataType.FLOAT, 96, 6);
        Y = X.reshape(96, 2, 3).sum(2).argMax(1).castTo(DataType.INT32);
    }

    private CallbackTestData() {
    }

    static Sequential model(String optimizer) {
        Sequential model = new Sequential(List.of(new Dense(8, "relu"), new Dense(2, "softmax"))).setSeed(1);
        model.compile(optimizer, "sparse_categorical_crossentropy", "accuracy");
        model.build(6);
        return model;
    }

    static FitOptions quiet(int epochs) {
        return FitOptions.defaults().epochs(epochs).batchSize(32).seed(2).verbose(0);
    }

    static Map<String, Double> logs(String key, double value) {
        return Map.of(key, value);
    }
}
