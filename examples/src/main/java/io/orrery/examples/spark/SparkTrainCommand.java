package io.orrery.examples.spark;

import io.orrery.core.data.DataDirectory;
import io.orrery.core.layers.Dense;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.spark.FitOptions;
import io.orrery.spark.SparkTrainer;
import io.orrery.spark.TrainingMode;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code spark-train}: the reference MNIST model trained by the Spark trainer through the Aeron parameter server.
 * Local mode needs nothing installed; under spark-submit the master comes from spark-submit.
 */
@Command(name = "spark-train", mixinStandardHelpOptions = true,
        description = "Train the reference MNIST model on Spark through the Aeron parameter server and print test_acc.")
public final class SparkTrainCommand implements Callable<Integer> {

    @Option(names = "--master", description = "Spark master, e.g. local[2] or spark://127.0.0.1:7077 "
            + "(default: spark-submit's, else local[<workers>]).")
    String master;

    @Option(names = "--workers", defaultValue = "2", description = "Workers N: tasks of the barrier stage (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--mode", defaultValue = "sync", description = "sync, async or bounded:S (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Global batch, split over the workers (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--data", description = "Folder (local path or URI Spark can read: file://, hdfs://, ...) with the "
            + "four MNIST IDX files, raw or .gz (default: the dataset cache's mnist folder).")
    String data;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights and shuffles (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        TrainingMode trainingMode = TrainingMode.parse(mode);
        if (workers < 1 || batchSize < workers) {
            throw new IllegalArgumentException("--workers must be >= 1 and --batch-size >= workers; found workers=" + workers
                    + " batch-size=" + batchSize);
        }
        SparkSession.Builder builder = SparkSession.builder().appName("orrery-spark-train");
        if (master != null) {
            builder.master(master);
        } else if (System.getProperty("spark.master") == null) {
            builder.master("local[" + workers + "]");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            String folder = data != null ? data : DataDirectory.root().resolve("mnist").toUri().toString();
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<Sample> trainSamples = IdxOverSpark.samples(sc, folder, "train");
            List<Sample> testSamples = IdxOverSpark.samples(sc, folder, "t10k");
            System.out.printf(Locale.ROOT, "data: %s, %d train and %d test samples; master %s; %d workers, mode %s%n",
                    folder, trainSamples.size(), testSamples.size(), spark.sparkContext().master(), workers, trainingMode);
            JavaRDD<Sample> train = sc.parallelize(trainSamples, workers);
            JavaRDD<Sample> test = sc.parallelize(testSamples, workers);

            Sequential model = new Sequential(List.of(new Dense(512, "relu"), new Dense(10, "softmax")));
            model.setSeed(seed);
            model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
            model.build(784);

            SparkTrainer trainer = SparkTrainer.builder(spark).workers(workers).mode(trainingMode).parameterServer().build();
            History history = trainer.fit(model, train, FitOptions.defaults().epochs(epochs).batchSize(batchSize).seed(seed));
            history.events().forEach(e -> System.out.println("note: " + e));
            Map<String, Double> result = trainer.evaluate(model, test);
            System.out.printf(Locale.ROOT, "test_loss: %.4f%n", result.get("loss"));
            System.out.printf(Locale.ROOT, "test_acc: %.4f%n", result.get("accuracy"));
            return 0;
        } finally {
            spark.stop();
        }
    }
}
