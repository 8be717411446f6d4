package io.orrery.examples.bench;

import io.orrery.core.data.LabeledImages;
import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.layers.Dense;
import io.orrery.core.models.Sequential;
import io.orrery.spark.FitOptions;
import io.orrery.spark.SparkTrainer;
import io.orrery.spark.TrainingMode;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs Orrery's Spark trainer ({@link SparkTrainer}) for a grid point: the reference MLP, RMSprop, sparse
 * categorical cross-entropy, global batch = workers x per-worker batch, gradients through the Aeron parameter
 * server in the driver.
 *
 * <p>Each epoch is one {@code fit} call, timed, followed by an untimed test evaluation on the driver, so samples/s
 * counts training only (as the DL4J rows do) and the accuracy curve has one point per epoch. The trainer does not
 * yet report the step split or byte counts to its caller, so those cells stay empty; gradient encodings other
 * than float32 and more than one shard are not selectable through its builder yet, and such grid points fail with
 * that reason.
 */
public final class OrrerySparkRunner implements BenchRunner {

    private final Path dataDir;

    /** @param dataDir MNIST IDX directory, or null for the dataset cache */
    public OrrerySparkRunner(Path dataDir) {
        this.dataDir = dataDir;
    }

    @Override
    public boolean handles(String system) {
        return BenchConfig.ORRERY.equals(system);
    }

    @Override
    public RunResult run(BenchConfig config, Path workDir) {
        if (!"float32".equals(config.encoding()) || config.shards() != 1) {
            throw new UnsupportedOperationException("SparkTrainer's builder does not select gradient encodings or"
                    + " shard counts yet; found encoding=" + config.encoding() + " shards=" + config.shards()
                    + ". Run bench with --encodings float32 --shards 1");
        }
        String started = Instant.now().toString();
        TrainTestSplit mnist = dataDir == null ? Mnist.load() : Mnist.load(dataDir);
        List<Sample> train = samples(mnist.train());
        INDArray xTest = flat(mnist.test());
        INDArray yTest = mnist.test().labels();

        SparkSession.Builder b = SparkSession.builder().appName("orrery-bench").master(config.master())
                .config("spark.ui.enabled", "false");
        if (config.master().startsWith("local")) {
            b.config("spark.driver.host", "127.0.0.1");
        }
        SparkSession spark = b.getOrCreate();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            // Cached once, so that each epoch's fit does not reship the parallelised collection.
            JavaRDD<Sample> rdd = sc.parallelize(train, Math.max(config.workers(), 2))
                    .persist(org.apache.spark.storage.StorageLevel.MEMORY_ONLY());
            rdd.count();
            Sequential model = new Sequential(List.of(new Dense(512, "relu"), new Dense(10, "softmax")));
            model.setSeed(42);
            model.build(784);
            model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
            SparkTrainer trainer = SparkTrainer.builder(spark).workers(config.workers())
                    .mode(TrainingMode.parse(config.mode())).parameterServer()
                    .progressTo(new PrintStream(OutputStream.nullOutputStream())).build();
            int globalBatch = config.batchPerWorker() * config.workers();
            long stepsPerEpoch = train.size() / config.workers() / config.batchPerWorker();
            double seconds = 0;
            double accuracy = 0;
            List<AccuracyPoint> curve = new ArrayList<>();
            // run-level figures the trainer reports per fit, summed over the per-epoch fits
            double workerSteps = 0;
            double computeS = 0;
            double sendS = 0;
            double waitS = 0;
            double sent = 0;
            double received = 0;
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long t0 = System.nanoTime();
                io.orrery.core.models.History h = trainer.fit(model, rdd, FitOptions.defaults().epochs(1)
                        .batchSize(globalBatch).seed(7 + epoch).verbose(false));
                seconds += (System.nanoTime() - t0) / 1e9;
                Map<String, Double> st = h.stats();
                workerSteps += st.getOrDefault("steps_per_worker", 0.0);
                computeS += st.getOrDefault("compute_seconds_per_worker", 0.0);
                sendS += st.getOrDefault("send_seconds_per_worker", 0.0);
                waitS += st.getOrDefault("wait_seconds_per_worker", 0.0);
                sent += st.getOrDefault("bytes_sent", 0.0);
                received += st.getOrDefault("bytes_received", 0.0);
                Map<String, Double> eval = model.evaluate(xTest, yTest);
                accuracy = eval.getOrDefault("accuracy", Double.NaN);
                curve.add(new AccuracyPoint(seconds, epoch, accuracy));
            }
            long steps = stepsPerEpoch * config.epochs();
            double sps = steps * globalBatch / seconds;
            boolean split = workerSteps > 0;
            return new RunResult(config, RunResult.OK, null, started, seconds, steps, sps, 1e3 * seconds / steps,
                    split ? 1e3 * computeS / workerSteps : null, split ? 1e3 * sendS / workerSteps : null,
                    split ? 1e3 * waitS / workerSteps : null, split ? (long) sent : null,
                    split ? (long) received : null, null, null, null, accuracy, curve);
        } finally {
            spark.stop();
        }
    }

    private static INDArray flat(LabeledImages images) {
        return images.images().reshape(images.size(), 784).castTo(DataType.FLOAT).div(255);
    }

    private static List<Sample> samples(LabeledImages images) {
        return io.orrery.examples.spark.MnistSamples.of(images);
    }
}
