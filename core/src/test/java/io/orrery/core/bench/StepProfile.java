package io.orrery.core.bench;

import io.orrery.core.layers.Dense;
import io.orrery.core.models.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/** Scratch: where one training step's time goes (not a test). */
public class StepProfile {
    public static void main(String[] args) {
        Sequential model = new Sequential(List.of(new Dense(512, "relu"), new Dense(10, "softmax")));
        model.compile("rmsprop", "sparse_categorical_crossentropy");
        INDArray x = Nd4j.rand(DataType.FLOAT, 128, 784).dup('f');
        INDArray y = Nd4j.createFromArray(new int[128]);
        model.build(784);
        for (int r = 0; r < 3; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 200; i++) model.computeGradients(x, y);
            long t1 = System.nanoTime();
            for (int i = 0; i < 200; i++) model.applyGradients();
            long t2 = System.nanoTime();
            System.out.printf("grad %.3f ms/step, apply %.3f ms/step%n", (t1 - t0) / 200e6, (t2 - t1) / 200e6);
        }
    }
}
