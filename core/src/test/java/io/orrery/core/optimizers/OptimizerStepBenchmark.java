package io.orrery.core.optimizers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Times one optimizer step on the reference MLP's parameter vector (784*512 + 512 + 512*10 + 10 = 407,050 float32),
 * which runs 469 times per MNIST epoch. Not a test: run it by hand, e.g.
 * <pre>
 * mvn -q -o -pl core test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp core/target/test-classes:core/target/classes:$(cat /tmp/cp.txt) io.orrery.core.optimizers.OptimizerStepBenchmark
 * </pre>
 */
public final class OptimizerStepBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private OptimizerStepBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 407_050;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        List<Optimizer> optimizers = List.of(new RMSprop(), new SGD(), new SGD(0.01, 0.9, true), new Adam(),
                Adam.builder().amsgrad(true).build(), new Adagrad(), new Adadelta(),
                RMSprop.builder().momentum(0.9).centered(true).build());
        System.out.println("n=" + n + " float32, " + steps + " timed steps each, OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS"));
        Nd4j.getRandom().setSeed(1);
        INDArray params = Nd4j.rand(DataType.FLOAT, n).subi(0.5);
        INDArray grads = Nd4j.rand(DataType.FLOAT, n).subi(0.5).muli(1e-2);
        for (Optimizer optimizer : optimizers) {
            OptimizerState state = optimizer.newState(n, DataType.FLOAT);
            for (int i = 0; i < steps / 4; i++) {   // warm-up: JIT, thread pools, page faults
                optimizer.apply(params, grads, state);
            }
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                optimizer.apply(params, grads, state);
            }
            double msPerStep = (System.nanoTime() - start) / 1e6 / steps;
            // CPU time of this thread: on a shared machine it is steadier than wall time; with OMP_NUM_THREADS=1
            // every ND4J op runs on this thread too, so it covers the whole step
            double cpuMsPerStep = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e6 / steps;
            System.out.printf("%-88s wall %.4f ms/step, cpu %.4f ms/step (%.0f ms cpu per 469-step epoch)%n",
                    optimizer.getConfig().toString().replace("learning_rate=", "lr="), msPerStep, cpuMsPerStep, cpuMsPerStep * 469);
        }
    }
}
