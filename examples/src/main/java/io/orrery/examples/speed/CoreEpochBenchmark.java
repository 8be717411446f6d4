package io.orrery.examples.speed;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.layers.FusedLayer;
import io.orrery.core.layers.Layer;
import io.orrery.examples.BookModels;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.Sequential;
import io.orrery.core.tensor.Backend;
import io.orrery.core.tensor.ComputeThreads;
import io.orrery.core.tensor.RowGather;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code core-bench}: training epochs of the reference model in a single process: seconds per epoch, samples/s,
 * ms/step, and where a step's time goes. {@code --model mlp} (default) is Dense 512 relu, Dense 10 softmax, batch 128;
 * {@code --model convnet} is the Keras book's chapter 8 convnet, batch 64. Both rmsprop.
 */
@Command(name = "core-bench", mixinStandardHelpOptions = true,
        description = "Time training epochs of the reference MNIST model in one process and break a step down.")
public final class CoreEpochBenchmark implements Callable<Integer> {

    @Option(names = "--epochs", defaultValue = "3", description = "Timed epochs after one warm-up epoch (default: ${DEFAULT-VALUE}).")
    int epochs;

    /** The two reference models. */
    public enum Model { mlp, convnet }

    @Option(names = "--model", defaultValue = "mlp", description = "mlp or convnet (default: ${DEFAULT-VALUE}).")
    Model model;

    @Option(names = "--batch-size", description = "Mini-batch size (default: 128 for mlp, 64 for convnet, as the book).")
    Integer batchSizeOption;

    int batchSize;

    @Option(names = "--samples", defaultValue = "60000",
            description = "Train on the first N training samples per epoch (default: all ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--warmup-epochs", defaultValue = "1", description = "Untimed epochs first (default: ${DEFAULT-VALUE}).")
    int warmupEpochs;

    @Option(names = "--breakdown", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "After the epochs, time the parts of a step and each layer (default: on; --no-breakdown skips it).")
    boolean breakdown;

    @Option(names = "--omp-threads", description = "ND4J OpenMP threads (default: Orrery's, 1).")
    Integer ompThreads;

    @Option(names = "--blas-threads", description = "OpenBLAS threads (default: Orrery's, 1 while the layers split work"
            + " over Java threads; see --compute-threads).")
    Integer blasThreads;

    @Option(names = "--compute-threads", description = "Java threads a layer splits its work over (default: all cores).")
    Integer computeThreads;

    @Override
    public Integer call() {
        if (ompThreads != null) {
            System.setProperty("orrery.omp.threads", ompThreads.toString());
        }
        if (blasThreads != null) {
            System.setProperty("orrery.blas.threads", blasThreads.toString());
        }
        if (computeThreads != null) {
            ComputeThreads.setThreads(computeThreads);
        }
        Backend.configureThreads();
        boolean convnet = this.model == Model.convnet;
        batchSize = batchSizeOption != null ? batchSizeOption : convnet ? 64 : 128;
        TrainTestSplit data = Mnist.load();
        INDArray x = (convnet ? data.train().images(28, 28, 1) : data.train().images(784)).castTo(DataType.FLOAT).divi(255);
        INDArray y = data.train().labels();
        if (samples < x.size(0)) {
            // the first samples only: a shorter "epoch" for a quick figure on a busy machine
            x = x.get(NDArrayIndex.interval(0, samples)).dup('c');
            y = y.get(NDArrayIndex.interval(0, samples)).dup();
        }
        Sequential model = convnet ? BookModels.convnet(1) : BookModels.mlp(1);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        System.out.printf(Locale.ROOT, "model: %s, batch %d, %d parameters%n", this.model, batchSize,
                model.build(Arrays.copyOfRange(x.shape(), 1, x.rank())).countParams());
        System.out.printf(Locale.ROOT, "threads: omp=%d blas=%d compute=%d cores=%d, OPENBLAS_CORETYPE=%s%n",
                Nd4j.getEnvironment().maxMasterThreads(), Nd4j.factory().blas().getMaxThreads(), ComputeThreads.threads(),
                Runtime.getRuntime().availableProcessors(), System.getenv().getOrDefault("OPENBLAS_CORETYPE", "unset (OpenBLAS's own choice)"));
        if (warmupEpochs > 0) {
            model.fit(x, y, FitOptions.defaults().epochs(warmupEpochs).batchSize(batchSize).verbose(0).seed(7));
        }
        int n = (int) x.size(0);
        int steps = (n + batchSize - 1) / batchSize;
        double best = Double.MAX_VALUE;
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            long cpu0 = processCpuNanos();
            model.fit(x, y, FitOptions.defaults().epochs(1).batchSize(batchSize).verbose(0).seed(100 + e));
            double s = (System.nanoTime() - t0) / 1e9;
            double cpu = (processCpuNanos() - cpu0) / 1e9;
            best = Math.min(best, s);
            // CPU seconds of the whole process (every thread, JIT and GC included): on a shared machine they
            // compare systems better than wall time, which then mostly measures how often the scheduler ran us
            System.out.printf(Locale.ROOT, "epoch %d: %.3f s, %.0f samples/s, %.2f ms/step, cpu %.3f s%n", e + 1, s,
                    n / s, s * 1000 / steps, cpu);
        }
        if (breakdown) {
            breakdown(model, x, y, steps);
        }
        System.out.printf(Locale.ROOT, "best epoch: %.3f s (%.0f samples/s)%n", best, n / best);
        return 0;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os ? os.getProcessCpuTime() : 0L;
    }

    /** Times the parts of a step separately on fixed batches: forward+backward, optimizer, batch gathering. */
    private void breakdown(Sequential model, INDArray x, INDArray y, int steps) {
        int[] rows = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            rows[i] = (int) ((i * 467L) % x.size(0));
        }
        INDArray x2d = x.reshape('c', x.size(0), 784);
        INDArray xb = Nd4j.createUninitialized(DataType.FLOAT, new long[]{batchSize, 784}, x.rank() == 2 ? 'f' : 'c');
        // RowGather, as fit's batches: Nd4j.pullRows would wake libgomp's spinning worker for the rest of the breakdown
        RowGather gather = new RowGather();
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            gather.gather(x2d, rows, xb);
        }
        long t1 = System.nanoTime();
        if (x.rank() > 2) {
            xb = xb.reshape('c', batchSize, 28, 28, 1);
        }
        INDArray yb = Nd4j.createUninitialized(y.dataType(), new long[]{batchSize, 1}, 'c');
        gather.gather(y.reshape('c', y.size(0), 1), rows, yb);
        yb = yb.reshape(batchSize);
        for (int i = 0; i < steps; i++) {
            model.computeGradients(xb, yb);
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            model.applyGradients();
        }
        long t3 = System.nanoTime();
        System.out.printf(Locale.ROOT, "per step: gather %.3f ms, forward+backward %.3f ms, optimizer %.3f ms%n",
                (t1 - t0) / 1e6 / steps, (t2 - t1) / 1e6 / steps, (t3 - t2) / 1e6 / steps);
        layerBreakdown(model, xb, Math.min(steps, 200));
    }

    /**
     * Forward and backward of each layer alone on one batch, in wall time and in this thread's CPU time (the CPU
     * time stays meaningful on a busy machine as long as BLAS runs on the calling thread, i.e. with one BLAS thread).
     */
    private static void layerBreakdown(Sequential model, INDArray xb, int reps) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<Layer> layers = model.layers();
        int n = layers.size();
        long[] fw = new long[n];
        long[] bw = new long[n];
        long[] fwCpu = new long[n];
        long[] bwCpu = new long[n];
        INDArray[] acts = new INDArray[n + 1];
        for (int rep = 0; rep < reps; rep++) {
            acts[0] = xb;
            for (int i = 0; i < n; i++) {
                long w = System.nanoTime();
                long c = mx.getCurrentThreadCpuTime();
                acts[i + 1] = ((FusedLayer) layers.get(i)).forward(acts[i], true);
                fwCpu[i] += mx.getCurrentThreadCpuTime() - c;
                fw[i] += System.nanoTime() - w;
            }
            INDArray g = acts[n].dup('f');
            for (int i = n - 1; i >= 0; i--) {
                long w = System.nanoTime();
                long c = mx.getCurrentThreadCpuTime();
                g = ((FusedLayer) layers.get(i)).backward(acts[i], acts[i + 1], g, i > 0);
                bwCpu[i] += mx.getCurrentThreadCpuTime() - c;
                bw[i] += System.nanoTime() - w;
            }
        }
        System.out.println("per layer (ms per batch, wall / this thread's CPU):");
        for (int i = 0; i < n; i++) {
            System.out.printf(Locale.ROOT, "  %-18s forward %7.3f / %7.3f   backward %7.3f / %7.3f%n", layers.get(i).name(),
                    fw[i] / 1e6 / reps, fwCpu[i] / 1e6 / reps, bw[i] / 1e6 / reps, bwCpu[i] / 1e6 / reps);
        }
    }
}
