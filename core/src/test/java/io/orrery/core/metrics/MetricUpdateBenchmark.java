package io.orrery.core.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Times {@code updateState} on one training batch (128 x 10 softmax output in f order, as the fused training step
 * produces it), which runs on every step. Not a test: run it by hand, e.g.
 * <pre>
 * mvn -q -o -pl core test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * OMP_NUM_THREADS=1 java -cp core/target/test-classes:core/target/classes:$(cat /tmp/cp.txt) io.orrery.core.metrics.MetricUpdateBenchmark
 * </pre>
 * Add {@code -Dorrery.metrics.noHostReads=true} to time the ND4J fallback.
 */
public final class MetricUpdateBenchmark {

    private MetricUpdateBenchmark() {
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int rounds = 5000;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Nd4j.getRandom().setSeed(1);
        INDArray softmax = Nd4j.rand(DataType.FLOAT, 'f', batch, 10L);
        INDArray sparseLabels = Nd4j.rand(DataType.FLOAT, batch).muli(10).castTo(DataType.INT).castTo(DataType.FLOAT);
        INDArray binaryLabels = Nd4j.rand(DataType.FLOAT, batch, 1).gt(0.5).castTo(DataType.FLOAT);
        INDArray scores = Nd4j.rand(DataType.FLOAT, batch, 1);
        List<Metric> metrics = List.of(new SparseCategoricalAccuracy(), new BinaryAccuracy(), new Precision(), new AUC());
        for (Metric metric : metrics) {
            boolean sparse = metric instanceof SparseCategoricalAccuracy;
            INDArray yTrue = sparse ? sparseLabels : binaryLabels;
            INDArray yPred = sparse ? softmax : scores;
            for (int i = 0; i < rounds; i++) {
                metric.updateState(yTrue, yPred);
            }
            long cpu = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                metric.updateState(yTrue, yPred);
            }
            System.out.printf("%-28s batch %d: wall %.1f us, cpu %.1f us per updateState%n", metric.getClass().getSimpleName(), batch,
                    (System.nanoTime() - wall) / 1e3 / rounds, (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / rounds);
        }
    }
}
