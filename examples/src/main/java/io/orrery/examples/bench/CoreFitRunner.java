package io.orrery.examples.bench;

import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.Sequential;
import io.orrery.core.tensor.Backend;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The reference point of the grid: {@code core}'s single-process {@code fit} of the same model (the row's
 * {@link BenchConfig#model()}), data, batch,
 * epochs and seeds, timed like the Spark trainer's rows (one fit from a cold start of the training code, the
 * test evaluation after each epoch taken out). The Spark trainer's overhead in {@code local[1]} is measured
 * against this row.
 */
public final class CoreFitRunner implements BenchRunner {

    private final Path dataDir;

    /** @param dataDir MNIST IDX directory, or null for the dataset cache */
    public CoreFitRunner(Path dataDir) {
        this.dataDir = dataDir;
    }

    @Override
    public boolean handles(String system) {
        return BenchConfig.CORE_FIT.equals(system);
    }

    @Override
    public RunResult run(BenchConfig config, Path workDir) {
        String started = Instant.now().toString();
        // A Spark run earlier in this JVM may have narrowed the native thread pools for its tasks: core's defaults.
        Backend.configureThreads();
        TrainTestSplit mnist = dataDir == null ? Mnist.load() : Mnist.load(dataDir);
        INDArray x = ReferenceWorkload.features(mnist.train(), config.model());
        INDArray y = mnist.train().labels();
        Sequential model = ReferenceWorkload.newModel(config.model());
        TestAccuracyEachEpoch accuracy = new TestAccuracyEachEpoch(
                ReferenceWorkload.features(mnist.test(), config.model()), mnist.test().labels());
        long t0 = System.nanoTime();
        model.fit(x, y, FitOptions.defaults().epochs(config.epochs()).batchSize(config.batchPerWorker()).seed(7).verbose(0)
                .callbacks(accuracy));
        double seconds = (System.nanoTime() - t0) / 1e9 - accuracy.evaluationSeconds();
        long steps = (x.size(0) + config.batchPerWorker() - 1) / config.batchPerWorker() * config.epochs();
        double samplesPerSecond = x.size(0) * (double) config.epochs() / seconds;
        return new RunResult(config, RunResult.OK, null, started, seconds, steps, samplesPerSecond,
                1e3 * seconds / steps, null, null, null, null, null, null, null, null, accuracy.last(),
                accuracy.curve(t0));
    }
}
