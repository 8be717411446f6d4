package io.orrery.benchdl4j;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.repartitioner.DefaultRepartitioner;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Trains the reference MNIST MLP (Dense 512 relu, Dense 10 softmax, RMSprop, batch 128 per worker) with DL4J's
 * Spark training in {@code local[N]} and prints one benchmark row as a JSON line prefixed with
 * {@code ORRERY_BENCH_ROW}, in the schema Orrery's {@code bench} reads.
 *
 * <pre>
 * bench-dl4j/run.sh --trainer parameter-averaging --workers 2 --epochs 2 --data /path/to/mnist
 * </pre>
 */
@Command(name = "dl4j-baseline", mixinStandardHelpOptions = true,
        description = "DL4J Spark baseline for Orrery's scaling benchmark: one JSON row per run on stdout.")
public final class Dl4jBaseline implements Callable<Integer> {

    static final String PARAMETER_AVERAGING = "parameter-averaging";
    static final String SHARED_TRAINING = "shared-training";

    @Option(names = "--trainer", required = true,
            description = "parameter-averaging (ParameterAveragingTrainingMaster) or shared-training"
                    + " (SharedTrainingMaster, threshold-encoded gradient sharing over Aeron)")
    String trainer;

    @Option(names = "--workers", defaultValue = "1", description = "Spark local[N] workers (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--master", description = "Spark master: local[N] (default) or local-cluster[N,1,MB], N executor"
            + " JVMs of one core each started by Spark itself (needs SPARK_HOME with DL4J's Spark jars: run.sh sets it)")
    String master;

    @Option(names = "--epochs", defaultValue = "2", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "batch per worker (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--averaging-frequency", defaultValue = "5",
            description = "parameter averaging every K batches per worker, DL4J's default (default: ${DEFAULT-VALUE})")
    int averagingFrequency;

    @Option(names = "--threshold", defaultValue = "1e-3",
            description = "initial threshold of SharedTrainingMaster's adaptive encoding (default: ${DEFAULT-VALUE})")
    double threshold;

    @Option(names = "--port", defaultValue = "40123", description = "Aeron UDP port of shared-training's root (the driver); executor K uses port + 1 + K")
    int port;

    @Option(names = "--data", description = "directory with the MNIST IDX files (default: $ORRERY_DATA_DIR/mnist,"
            + " ~/.orrery/datasets/mnist, /tmp/mnistpack/package/data)")
    Path data;

    @Option(names = "--seed", defaultValue = "42", description = "weight-initialisation seed")
    long seed;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Dl4jBaseline()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!PARAMETER_AVERAGING.equals(trainer) && !SHARED_TRAINING.equals(trainer)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "Invalid value for --trainer: expected"
                    + " one of [parameter-averaging, shared-training], received \"" + trainer + "\"");
        }
        if (workers < 1 || epochs < 1 || batch < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--workers, --epochs and --batch-size"
                    + " must be >= 1, found " + workers + ", " + epochs + ", " + batch);
        }
        String sparkMaster = master != null ? master : "local[" + workers + "]";
        if (!sparkMaster.equals("local[" + workers + "]") && !sparkMaster.startsWith("local-cluster[" + workers + ",")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "Invalid value for --master: expected"
                    + " local[" + workers + "] or local-cluster[" + workers + ",1,MB] for --workers " + workers
                    + ", received \"" + sparkMaster + "\"");
        }
        boolean cluster = sparkMaster.startsWith("local-cluster");
        Path dir = data != null ? data : defaultDataDir();
        RowJson row = new RowJson();
        row.system = PARAMETER_AVERAGING.equals(trainer) ? "dl4j-parameter-averaging" : "dl4j-shared-training";
        row.master = sparkMaster;
        row.workers = workers;
        row.mode = PARAMETER_AVERAGING.equals(trainer) ? "averaging:" + averagingFrequency : "shared-async";
        row.encoding = PARAMETER_AVERAGING.equals(trainer) ? "float32" : "threshold-adaptive:" + threshold;
        row.batchPerWorker = batch;
        row.epochs = epochs;
        row.startedAt = Instant.now().toString();

        Path tmp = Files.createTempDirectory("orrery-dl4j-");
        // One Aeron directory per JVM: two media drivers sharing one fail with "active driver detected".
        System.setProperty("aeron.dir", tmp.resolve("aeron").toString());
        try {
            run(dir, tmp, row, sparkMaster, cluster);
        } catch (Exception e) {
            row.status = "failed";
            row.error = e.getClass().getSimpleName() + ": " + e.getMessage();
            System.out.println(RowJson.PREFIX + row.toJson());
            throw e;
        } finally {
            deleteQuietly(tmp);
        }
        System.out.println(RowJson.PREFIX + row.toJson());
        System.out.println(String.format(Locale.ROOT, "test_acc: %.4f", row.finalAccuracy));
        return 0;
    }

    private void run(Path dir, Path tmp, RowJson row, String sparkMaster, boolean cluster) throws Exception {
        List<DataSet> train = TrainingBatches.get(dir, batch);
        List<DataSet> test = MnistIdx.load(dir, "t10k", 1000);
        long samples = train.stream().mapToLong(DataSet::numExamples).sum();
        List<Integer> indices = java.util.stream.IntStream.range(0, train.size()).boxed().toList();

        SparkConf conf = new SparkConf().setMaster(sparkMaster).setAppName("dl4j-baseline-" + trainer)
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.ui.enabled", "false")
                // DL4J ignores its own export directory setting and writes under hadoop.tmp.dir.
                .set("spark.hadoop.hadoop.tmp.dir", tmp.resolve("hadoop").toString())
                .set("spark.local.dir", tmp.resolve("spark").toString());
        if (cluster) {
            ClusterSettings.apply(conf, tmp);
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            // Parallelise batch indices, not the batches: a parallelised collection travels inside every task, and
            // DL4J launches a stage per averaging round, so 188 MB of MNIST would be serialised hundreds of times.
            // Executors look the batches up (in local[N] they share this JVM's copy), as a cluster job would read
            // its partitions from storage. MEMORY_ONLY_SER is the level DL4J persists with itself.
            String dataDir = dir.toString();
            int b = batch;
            JavaRDD<DataSet> rdd = sc.parallelize(indices, workers)
                    .map(i -> TrainingBatches.get(Path.of(dataDir), b).get(i))
                    .persist(StorageLevel.MEMORY_ONLY_SER());
            rdd.count();
            SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, model(), trainingMaster(tmp, cluster));
            // Parameter averaging on a cluster trains from batches exported to the executors' shared disk (see
            // SharedDiskExport); the export is timed in epoch 1, as DL4J's own Export does it in the first fit.
            boolean exportOwn = cluster && PARAMETER_AVERAGING.equals(trainer);
            JavaRDD<String> exported = null;
            double trainSeconds = 0;
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long t0 = System.nanoTime();
                if (exportOwn) {
                    if (exported == null) {
                        exported = SharedDiskExport.export(sc, rdd, batch, tmp.resolve("export-shared"));
                    }
                    net.fitPaths(exported);
                } else {
                    net.fit(rdd);
                }
                double epochSeconds = (System.nanoTime() - t0) / 1e9;
                trainSeconds += epochSeconds;
                Evaluation eval = net.getNetwork().evaluate(new ExistingDataSetIterator(test));
                row.curve.add(new double[] {trainSeconds, epoch, eval.accuracy()});
                row.finalAccuracy = eval.accuracy();
                System.err.printf(Locale.ROOT, "epoch %d: %.1f s (%.0f samples/s), %.1f s training so far, test"
                        + " accuracy %.4f%n", epoch, epochSeconds, samples / epochSeconds, trainSeconds, eval.accuracy());
            }
            row.wallSeconds = trainSeconds;
            row.steps = (long) train.size() * epochs;
            row.samplesPerSecond = samples * epochs / trainSeconds;
        }
    }

    private MultiLayerConfiguration model() {
        // Keras's RMSprop defaults (learning rate 1e-3, rho 0.9, epsilon 1e-7) and glorot_uniform initialisation,
        // so the baseline trains the same model Orrery does.
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new RmsProp(1e-3, 0.9, 1e-7))
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(512).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(512).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    // Export (DL4J's default approach): the batches are written to disk once, and each averaging round then reads
    // only its own files. Direct re-scans the whole cached RDD for every round (about 94 per epoch here), which
    // measured 3.4-100x slower. On a cluster the batches go through SharedDiskExport and fitPaths instead, so the
    // approach set here only applies to local[N].
    private TrainingMaster<?, ?> trainingMaster(Path tmp, boolean cluster) {
        if (PARAMETER_AVERAGING.equals(trainer)) {
            return new ParameterAveragingTrainingMaster.Builder(batch)
                    .batchSizePerWorker(batch)
                    .averagingFrequency(averagingFrequency)
                    .workerPrefetchNumBatches(2)
                    .rddTrainingApproach(RDDTrainingApproach.Export)
                    .exportDirectory(tmp.resolve("export").toString())
                    .rngSeed(seed)
                    .build();
        }
        VoidConfiguration voidConf = VoidConfiguration.builder()
                .unicastPort(port)
                .controllerAddress("127.0.0.1")
                .networkMask("127.0.0.0/8")
                // One port per JVM: the executors of local-cluster share the driver's address.
                .portSupplier(new ExecutorPortSupplier(port))
                .build();
        return new SharedTrainingMaster.Builder(voidConf, batch)
                .thresholdAlgorithm(new AdaptiveThresholdAlgorithm(threshold))
                .batchSizePerWorker(batch)
                // local[N] is one JVM, i.e. one DL4J "node": its training threads are workersPerNode, not the Spark
                // task count. With 1, local[2] trains a single model replica and matches local[1] exactly. On a
                // cluster each one-core executor JVM is a node with one worker.
                .workersPerNode(cluster ? 1 : workers)
                .workerPrefetchNumBatches(2)
                .rddTrainingApproach(approach(cluster))
                .exportDirectory(tmp.resolve("export").toString())
                // The default repartitioner hangs after some hundreds of one-batch partitions.
                .repartitioner(new DefaultRepartitioner(workers))
                .rngSeed(seed)
                .build();
    }

    /**
     * SharedTrainingMaster's approach: Export where DL4J allows it; on a non-local master DL4J refuses Export unless
     * the default file system is shared storage (HDFS, S3). Direct costs it little (it reads the RDD in one pass per
     * epoch, with no averaging rounds).
     */
    private static RDDTrainingApproach approach(boolean cluster) {
        return cluster ? RDDTrainingApproach.Direct : RDDTrainingApproach.Export;
    }

    private static Path defaultDataDir() {
        String env = System.getenv("ORRERY_DATA_DIR");
        List<Path> candidates = new java.util.ArrayList<>();
        if (env != null) {
            candidates.add(Path.of(env, "mnist"));
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".orrery", "datasets", "mnist"));
        candidates.add(Path.of("/tmp/mnistpack/package/data"));
        for (Path c : candidates) {
            if (Files.isDirectory(c) && (Files.exists(c.resolve("train-images-idx3-ubyte"))
                    || Files.exists(c.resolve("train-images-idx3-ubyte.gz")))) {
                return c;
            }
        }
        throw new IllegalArgumentException("No MNIST files found in " + candidates
                + ". Pass --data DIR with train-images-idx3-ubyte and friends.");
    }

    private static void deleteQuietly(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // A leftover temp directory is harmless; never let cleanup hide the run's result.
        }
    }
}
