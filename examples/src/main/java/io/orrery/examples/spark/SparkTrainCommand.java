package io.orrery.examples.spark;

import io.orrery.core.data.DataDirectory;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.ps.GradientEncoding;
import io.orrery.core.models.FitOptions;
import io.orrery.examples.BookModels;
import io.orrery.examples.ConsoleLogging;
import io.orrery.examples.cluster.ExecutorCode;
import io.orrery.examples.cluster.ShippedJarCopies;
import io.orrery.spark.ShardPlacement;
import io.orrery.spark.SparkMasters;
import io.orrery.spark.SparkTrainer;
import io.orrery.ps.TrainingMode;
import io.orrery.spark.ExecutorEnvironment;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code spark-train}: one of the Keras book's MNIST models ({@link BookModels}: the reference MLP, or the convnet on
 * (28, 28, 1) images reshaped from the same 784-float rows on the executors) trained by the Spark trainer through the
 * Aeron parameter server. Local mode needs nothing installed; under spark-submit the master comes from spark-submit.
 */
@Command(name = "spark-train", mixinStandardHelpOptions = true,
        description = "Train an MNIST model (the reference MLP or the book's convnet) on Spark through the Aeron "
                + "parameter server and print test_acc.")
public final class SparkTrainCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(SparkTrainCommand.class);

    @Option(names = "--master", description = "Spark master, e.g. local[2] or spark://127.0.0.1:7077 "
            + "(default: spark-submit's, else local[<workers>]).")
    String master;

    @Option(names = "--workers", defaultValue = "2", description = "Workers N: tasks of the barrier stage (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--mode", defaultValue = "sync", description = "sync, async or bounded:S (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--model", defaultValue = "mlp", description = "mlp (Dense(512, relu) -> Dense(10, softmax) on 784 "
            + "features) or convnet (the Keras book's: three Conv2D, two MaxPooling2D, Dense(10) on (28, 28, 1); "
            + "104,202 parameters) (default: ${DEFAULT-VALUE}).")
    String modelName;

    @Option(names = "--batch-size", description = "Global batch, split over the workers (default: 128 for mlp, 64 for "
            + "convnet, as in the book).")
    Integer batchSize;

    @Option(names = "--data", description = "Folder (local path or URI Spark can read: file://, hdfs://, ...) with the "
            + "four MNIST IDX files, raw or .gz (default: the dataset cache's mnist folder).")
    String data;

    @Option(names = "--encoding", defaultValue = "float32", converter = EncodingConverter.class,
            description = "Gradient encoding on the wire: float32, float16, bfloat16 or sparse (top-k with error "
                    + "feedback) (default: ${DEFAULT-VALUE}).")
    GradientEncoding encoding;

    @Option(names = "--sparse-fraction", defaultValue = "0.01",
            description = "With --encoding sparse: fraction of each chunk's values sent, in (0, 0.5] (default: ${DEFAULT-VALUE}).")
    double sparseFraction;

    @Option(names = "--shards", defaultValue = "1",
            description = "Shards of the parameter server in the driver, one aggregation thread each (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--shard-placement", defaultValue = "driver",
            description = "Where the parameter server's shards run: driver (one server in the driver) or colocated "
                    + "(one shard in each worker's executor, SYNC only; --shards does not apply) "
                    + "(default: ${DEFAULT-VALUE}).")
    String shardPlacement;

    @Option(names = "--checkpoint-dir", description = "Directory for the parameter server's checkpoints (parameters, "
            + "optimizer state, step; written atomically). Default: none.")
    Path checkpointDir;

    @Option(names = "--checkpoint-every", defaultValue = "100",
            description = "With --checkpoint-dir: steps between checkpoints, >= 1 (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = {"-v", "--verbose"}, description = "Also show on the console what goes to the log file: Orrery's "
            + "INFO lines (joins, per-epoch step split, server counters) and Spark's warnings.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights and shuffles (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        TrainingMode trainingMode;
        try {
            trainingMode = TrainingMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--mode': " + e.getMessage());
        }
        if (!modelName.equals("mlp") && !modelName.equals("convnet")) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--model': expected mlp or "
                    + "convnet, found \"" + modelName + "\"");
        }
        boolean convnet = modelName.equals("convnet");
        int batchSize = this.batchSize != null ? this.batchSize : convnet ? 64 : 128;
        if (workers < 1 || batchSize < workers) {
            throw new ParameterException(spec.commandLine(), "--workers must be >= 1 and --batch-size >= workers; found "
                    + "workers=" + workers + " batch-size=" + batchSize);
        }
        if (shards < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--shards': expected at least 1, "
                    + "found " + shards);
        }
        ShardPlacement placement;
        try {
            placement = ShardPlacement.valueOf(shardPlacement.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--shard-placement': expected "
                    + "driver or colocated, found \"" + shardPlacement + "\"");
        }
        if (placement == ShardPlacement.COLOCATED && shards != 1) {
            throw new ParameterException(spec.commandLine(), "--shard-placement colocated makes one shard per worker: "
                    + "drop --shards (found " + shards + ")");
        }
        if (!(sparseFraction > 0 && sparseFraction <= 0.5)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--sparse-fraction': expected a "
                    + "fraction in (0, 0.5], found " + sparseFraction);
        }
        if (checkpointEvery < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--checkpoint-every': expected "
                    + "at least 1 step, found " + checkpointEvery);
        }
        boolean localSpark = master != null ? SparkMasters.isSingleJvm(master) : System.getProperty("spark.master") == null;
        Optional<Path> logFile = ConsoleLogging.setUp("spark-train", ConsoleLogging.Console.of(verbose, localSpark));
        SparkSession.Builder builder = SparkSession.builder().appName("orrery-spark-train");
        if (master != null) {
            builder.master(master);
        } else if (System.getProperty("spark.master") == null) {
            builder.master("local[" + workers + "]");
        }
        shipOwnJarToExecutors(builder);
        SparkSession spark = builder.getOrCreate();
        logFile.ifPresent(file -> System.out.println(ConsoleLogging.whereLogsAre(file, spark.sparkContext())));
        try {
            String folder = data != null ? data : DataDirectory.root().resolve("mnist").toUri().toString();
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            // Read on the executors, cached there: the driver never holds the data set.
            JavaRDD<Sample> train = IdxOverSpark.rdd(sc, folder, "train", workers)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            JavaRDD<Sample> test = IdxOverSpark.rdd(sc, folder, "t10k", workers)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            System.out.printf(Locale.ROOT, "data: %s, %d train and %d test samples; master %s; %d workers, mode %s, "
                    + "encoding %s, %d shard(s) in %s%s%n", folder, train.count(), test.count(),
                    spark.sparkContext().master(), workers, trainingMode, encoding,
                    placement == ShardPlacement.COLOCATED ? workers : shards,
                    placement == ShardPlacement.COLOCATED ? "the executors" : "the driver",
                    checkpointDir == null ? "" : ", checkpoints every " + checkpointEvery + " steps in " + checkpointDir);

            // The same 784-float rows feed both: the trainer reshapes them to the model's input shape.
            Sequential model = convnet ? BookModels.convnet(seed) : BookModels.mlp(seed);
            model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
            if (convnet) {
                model.build(28, 28, 1);
            } else {
                model.build(784);
            }
            System.out.printf(Locale.ROOT, "model: %s, %,d parameters, global batch %d%n", modelName,
                    model.countParams(), batchSize);

            SparkTrainer.Builder config = SparkTrainer.builder(spark).workers(workers).mode(trainingMode)
                    .gradientEncoding(encoding).sparseFraction(sparseFraction).parameterServerShards(shards)
                    // A convolution keeps im2col buffers per batch size (about 430 MB for the second Conv2D at the
                    // default 1,024): evaluating in batches of 128 fits a 1 GB executor heap.
                    .shardPlacement(placement)
                    .evalBatchSize(convnet ? 128 : 1024);
            if (checkpointDir != null) {
                config.checkpoints(checkpointDir, checkpointEvery);
            }
            SparkTrainer trainer = config.build();
            History history = trainer.fit(model, train, FitOptions.defaults().epochs(epochs).batchSize(batchSize).seed(seed));
            history.events().forEach(e -> LOG.info("note: {}", e));
            Map<String, Double> result = trainer.evaluate(model, test);
            System.out.printf(Locale.ROOT, "test_loss: %.4f%n", result.get("loss"));
            System.out.printf(Locale.ROOT, "test_acc: %.4f%n", result.get("accuracy"));
            return 0;
        } finally {
            ShippedJarCopies.stopAndRemove(spark);
        }
    }

    /** picocli turns the exception's message into "Invalid value for option '--encoding': ...". */
    static final class EncodingConverter implements ITypeConverter<GradientEncoding> {
        @Override
        public GradientEncoding convert(String value) {
            try {
                return GradientEncoding.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * Run by plain {@code java -jar} against a cluster (not through spark-submit, which sets spark.jars itself),
     * executors need this jar to load the trainer's classes; and OpenBLAS there should not spin (docs/benchmarks.md).
     */
    private void shipOwnJarToExecutors(SparkSession.Builder builder) {
        // local-cluster executors are JVMs of their own: they need the jar as much as a real cluster's do.
        boolean local = SparkMasters.isSingleJvm(master);
        if (local || System.getProperty("spark.jars") != null) {
            return;
        }
        ExecutorCode.settings(SparkTrainCommand.class).forEach(builder::config);
        ExecutorEnvironment.forTaskCpus(Integer.parseInt(System.getProperty("spark.task.cpus", "1")))
                .forEach((name, value) -> builder.config("spark.executorEnv." + name, value));
    }

}
