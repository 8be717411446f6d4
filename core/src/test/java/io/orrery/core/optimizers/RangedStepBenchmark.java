package io.orrery.core.optimizers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times RMSprop on the reference MLP's 407,050 parameters as one {@link Optimizer#apply} and as a
 * {@link RangedStep} over ranges of 2,016 values (one per parameter-server chunk) and of 16 chunks (what the
 * server uses). Not a test: run it by hand like {@link OptimizerStepBenchmark}, class
 * {@code io.orrery.core.optimizers.RangedStepBenchmark}.
 */
public final class RangedStepBenchmark {

    private RangedStepBenchmark() {
    }

    public static void main(String[] args) {
        int n = 407_050;
        RMSprop rmsprop = new RMSprop();
        INDArray params = Nd4j.rand(DataType.FLOAT, n);
        INDArray grads = Nd4j.rand(DataType.FLOAT, n).muli(1e-2);
        OptimizerState whole = rmsprop.newState(n, DataType.FLOAT);
        for (int round = 0; round < 3; round++) {
            System.out.printf("one apply: %.3f ms%n", time(() -> rmsprop.apply(params, grads, whole)));
            for (int range : new int[]{2016, 2016 * 16}) {
                int count = (n + range - 1) / range;
                int[] offsets = new int[count];
                int[] lengths = new int[count];
                for (int r = 0; r < count; r++) {
                    offsets[r] = r * range;
                    lengths[r] = Math.min(range, n - r * range);
                }
                RangedStep step = new RangedStep(rmsprop, params, grads, rmsprop.newState(n, DataType.FLOAT), offsets,
                        lengths);
                System.out.printf("%d ranges of %d: %.3f ms%n", count, range, time(() -> {
                    for (int r = 0; r < count; r++) {
                        step.apply(r);
                    }
                    step.finish();
                }));
            }
        }
    }

    /** Mean ms of the last 200 of 400 runs. */
    private static double time(Runnable run) {
        for (int i = 0; i < 200; i++) {
            run.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            run.run();
        }
        return (System.nanoTime() - start) / 200 / 1e6;
    }
}
