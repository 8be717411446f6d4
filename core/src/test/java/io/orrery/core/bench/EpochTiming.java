package io.orrery.core.bench;

import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.layers.Dense;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/** Scratch timing of the reference model (not a test). */
public class EpochTiming {
    public static void main(String[] args) {
        TrainTestSplit data = Mnist.load();
        INDArray x = data.train().images().reshape(60000, 784).castTo(DataType.FLOAT).divi(255);
        INDArray y = data.train().labels();
        INDArray tx = data.test().images().reshape(10000, 784).castTo(DataType.FLOAT).divi(255);
        INDArray ty = data.test().labels();
        Sequential model = new Sequential(List.of(new Dense(512, "relu"), new Dense(10, "softmax")));
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        model.fit(x, y, FitOptions.epochs(epochs).batchSize(128).verbose(2).seed(1));
        System.out.println(model.evaluate(tx, ty));
    }
}
