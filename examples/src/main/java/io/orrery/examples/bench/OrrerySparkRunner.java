package io.orrery.examples.bench;

import io.orrery.core.data.DataDirectory;
import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.examples.cluster.ShippedJarCopies;
import io.orrery.examples.spark.IdxOverSpark;
import io.orrery.ps.GradientEncoding;
import io.orrery.core.models.FitOptions;
import io.orrery.spark.SparkTrainer;
import io.orrery.ps.TrainingMode;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Runs Orrery's Spark trainer ({@link SparkTrainer}) for a grid point: the row's model (the reference MLP or the
 * book's convnet, {@link ReferenceWorkload}), RMSprop, sparse categorical cross-entropy, global batch = workers x
 * per-worker batch, gradients through the Aeron parameter server in the driver.
 *
 * <p>The training data is read on the executors in N slices ({@link IdxOverSpark#rdd}) and cached; one {@code fit}
 * call for all epochs is timed, data split included, as a user runs it. A callback evaluates the test set on the
 * driver after each epoch and its time is taken out, so samples/s counts training only (as the DL4J rows do) and
 * the accuracy curve has one point per epoch. The step split and bytes come from {@code History.stats()}; mode,
 * gradient encoding and shard count are the grid point's.
 */
public final class OrrerySparkRunner implements BenchRunner {

    private final Path dataDir;
    private final ClusterRowLauncher clusterLauncher;

    /**
     * @param dataDir         MNIST IDX directory, or null for the dataset cache
     * @param clusterLauncher starts {@code local-cluster} runs in a JVM of their own, or null where there are none
     */
    public OrrerySparkRunner(Path dataDir, ClusterRowLauncher clusterLauncher) {
        this.dataDir = dataDir;
        this.clusterLauncher = clusterLauncher;
    }

    @Override
    public boolean handles(String system) {
        return BenchConfig.ORRERY.equals(system);
    }

    @Override
    public RunResult run(BenchConfig config, Path workDir) throws Exception {
        if (ClusterRowLauncher.startsItsOwnCluster(config) && !ClusterRowLauncher.isClusterChild()) {
            if (clusterLauncher == null) {
                throw new IllegalStateException("A local-cluster run needs a launcher for its own JVM (SPARK_HOME"
                        + " must be set in the environment of the JVM that starts the cluster)");
            }
            return clusterLauncher.run(config, dataDir, workDir);
        }
        return runHere(config);
    }

    /** Trains in this JVM: the driver (and, for {@code local[N]}, the executors) live here. */
    RunResult runHere(BenchConfig config) {
        String started = Instant.now().toString();
        TrainTestSplit mnist = dataDir == null ? Mnist.load() : Mnist.load(dataDir);
        String folder = (dataDir == null ? DataDirectory.root().resolve("mnist") : dataDir).toUri().toString();
        INDArray xTest = ReferenceWorkload.features(mnist.test(), config.model());
        INDArray yTest = mnist.test().labels();

        SparkSession.Builder b = SparkSession.builder().appName("orrery-bench")
                .master(ClusterRowLauncher.sparkMaster(config))
                .config("spark.ui.enabled", "false");
        if (config.master().startsWith("local")) {
            b.config("spark.driver.host", "127.0.0.1");
        }
        if (ClusterRowLauncher.startsItsOwnCluster(config)) {
            ClusterRowLauncher.executorSettings(config).forEach(b::config);
        }
        SparkSession spark = b.getOrCreate();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            // Read on the executors and cached there, as spark-train does; the untimed count fills the cache.
            JavaRDD<Sample> rdd = IdxOverSpark.rdd(sc, folder, "train", config.workers())
                    .persist(StorageLevel.MEMORY_ONLY());
            long trainSize = rdd.count();
            Sequential model = ReferenceWorkload.newModel(config.model());
            SparkTrainer trainer = SparkTrainer.builder(spark).workers(config.workers())
                    .mode(TrainingMode.parse(config.mode())).parameterServer()
                    .shardPlacement(ClusterRowLauncher.placement(config))
                    .gradientEncoding(encoding(config.encoding()))
                    .sparseFraction(sparseFraction(config.encoding()))
                    .parameterServerShards(config.shards())
                    .progressTo(new PrintStream(OutputStream.nullOutputStream())).build();
            int globalBatch = config.batchPerWorker() * config.workers();
            long stepsPerEpoch = trainSize / config.workers() / config.batchPerWorker();
            TestAccuracyEachEpoch accuracy = new TestAccuracyEachEpoch(xTest, yTest);
            long t0 = System.nanoTime();
            // One fit for all epochs, as a user runs it (the data split is part of the time); the test evaluation
            // after each epoch runs in a callback and its time is taken out.
            History h = trainer.fit(model, rdd, FitOptions.defaults().epochs(config.epochs())
                    .batchSize(globalBatch).seed(7).verbose(0).callbacks(accuracy));
            double seconds = (System.nanoTime() - t0) / 1e9 - accuracy.evaluationSeconds();
            Map<String, Double> st = h.stats();
            double workerSteps = st.getOrDefault("steps_per_worker", 0.0);
            long steps = stepsPerEpoch * config.epochs();
            double sps = steps * globalBatch / seconds;
            boolean split = workerSteps > 0;
            return new RunResult(config, RunResult.OK, null, started, seconds, steps, sps, 1e3 * seconds / steps,
                    split ? st.get("compute_ms_per_step") : null, split ? st.get("communication_ms_per_step") : null,
                    split ? st.get("waiting_ms_per_step") : null, split ? st.get("bytes_sent").longValue() : null,
                    split ? st.get("bytes_received").longValue() : null, null, null, null, accuracy.last(),
                    accuracy.curve(t0));
        } finally {
            ShippedJarCopies.stopAndRemove(spark);
        }
    }

    /** float32, float16, bfloat16 as named; {@code topk[:density]} is the server's SPARSE (top-k per chunk). */
    static GradientEncoding encoding(String name) {
        String kind = name.split(":")[0];
        if (kind.equals("topk")) {
            return GradientEncoding.SPARSE;
        }
        if (kind.equals("threshold")) {
            throw new IllegalArgumentException("Orrery's sparse encoding is top-k per chunk with error feedback; run "
                    + "its rows with --encodings topk[:density] (threshold encodings are DL4J's)");
        }
        return GradientEncoding.parse(name);
    }

    /** The density of {@code topk:density} (1% when not given), within what the server accepts. */
    static double sparseFraction(String name) {
        String[] parts = name.split(":");
        double density = parts.length > 1 ? Double.parseDouble(parts[1]) : 0.01;
        return Math.min(0.5, density);
    }

}
