package io.orrery.examples.bench;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One point of the benchmark grid: which system trains which of the reference MNIST models, and how.
 *
 * @param system         {@code orrery}, {@code core-fit} (core's single-process fit, the reference for the trainer's
 *                       overhead), {@code dl4j-parameter-averaging} or {@code dl4j-shared-training}
 * @param master         Spark master the run used, e.g. {@code local[2]}, {@code local-cluster[2,1,2048]} (executors
 *                       in their own JVMs) or {@code spark://127.0.0.1:7077}
 * @param workers        number of data-parallel workers (Spark tasks), at least 1
 * @param mode           {@code sync}, {@code async} or {@code bounded:S} (DL4J rows: its own scheme's name)
 * @param encoding       gradient encoding on the wire, e.g. {@code float32}, {@code float16}, {@code threshold}
 * @param batchPerWorker mini-batch size of each worker
 * @param shards         parameter-server shards (1 for DL4J rows)
 * @param epochs         passes over the 60,000 training images
 * @param model          {@code mlp} (the reference MLP) or {@code convnet} (the Keras book's chapter 8 convnet);
 *                       null reads as {@code mlp}, so rows written before the model dimension existed stay readable
 */
public record BenchConfig(String system, String master, int workers, String mode, String encoding,
                          int batchPerWorker, int shards, int epochs, String model) {

    /** Systems the harness knows: Orrery's Spark trainer, core's single-process fit, and the DL4J baseline. */
    public static final String ORRERY = "orrery";
    public static final String CORE_FIT = "core-fit";
    public static final String DL4J_PARAMETER_AVERAGING = "dl4j-parameter-averaging";
    public static final String DL4J_SHARED_TRAINING = "dl4j-shared-training";

    /** The reference MLP: Dense(512, relu) -> Dense(10, softmax) on 784 features, 407,050 parameters. */
    public static final String MLP = "mlp";
    /** The Keras book's convnet (chapter 8) on (28, 28, 1) images, 104,202 parameters. */
    public static final String CONVNET = "convnet";
    /** Models the harness trains, in report order. */
    public static final List<String> MODELS = List.of(MLP, CONVNET);

    @JsonCreator
    public BenchConfig {
        model = model == null ? MLP : model;
        if (!MODELS.contains(model)) {
            throw new IllegalArgumentException("Invalid bench model: expected one of " + MODELS + ", found \""
                    + model + "\"");
        }
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(encoding, "encoding");
        if (workers < 1 || batchPerWorker < 1 || shards < 1 || epochs < 1) {
            throw new IllegalArgumentException("Invalid bench configuration: expected workers, batchPerWorker, shards"
                    + " and epochs >= 1, found workers=" + workers + " batchPerWorker=" + batchPerWorker
                    + " shards=" + shards + " epochs=" + epochs);
        }
    }

    /** A point of the grid training the reference MLP (the harness's model before the model dimension). */
    public BenchConfig(String system, String master, int workers, String mode, String encoding, int batchPerWorker,
                       int shards, int epochs) {
        this(system, master, workers, mode, encoding, batchPerWorker, shards, epochs, MLP);
    }

    /** Path name of a single-JVM run: every worker in the driver's JVM, gradients over {@code aeron:ipc}. */
    public static final String LOCAL_PATH = "local";
    /** Path name of a run whose executors have their own JVMs (gradients over {@code aeron:udp}). */
    public static final String CLUSTER_PATH = "cluster";

    /**
     * The path the run took: {@code local} when every worker shares the driver's JVM ({@code local[N]}, or no Spark
     * at all), {@code cluster} when executors run in their own JVMs ({@code local-cluster[...]}, {@code spark://},
     * YARN, Kubernetes), which is what every spark-submit user runs.
     */
    public String path() {
        boolean local = master.equals("none") || master.equals("local") || master.startsWith("local[");
        return local ? LOCAL_PATH : CLUSTER_PATH;
    }

    /** Identity of the run for resuming a grid: two configs with the same key are the same run. */
    public String key() {
        return String.join("|", system, master, Integer.toString(workers), mode, encoding,
                Integer.toString(batchPerWorker), Integer.toString(shards), Integer.toString(epochs), model);
    }

    /**
     * Identity of the configuration apart from its size (workers and the master, which for {@code local[N]}
     * names N): runs with the same series key form one scaling curve. The path (local or cluster) is part of it, so
     * that each path's efficiency is taken against its own 1-worker run.
     */
    public String seriesKey() {
        return String.join("|", system, place(), mode, encoding, Integer.toString(batchPerWorker),
                Integer.toString(shards), Integer.toString(epochs), model);
    }

    /**
     * The series a run belongs to in the charts: everything but the worker count, so that one line shows
     * how a configuration scales. The reference MLP goes unnamed (it was the only model before the model
     * dimension); any other model is named after the system, e.g. {@code orrery convnet sync float32 b=64}.
     */
    public String seriesLabel() {
        String where = LOCAL_PATH.equals(path()) ? "" : " (" + place() + ")";
        return String.format(Locale.ROOT, "%s%s%s %s %s b=%d%s", system, where,
                MLP.equals(model) ? "" : " " + model, mode, encoding, batchPerWorker,
                shards > 1 ? " shards=" + shards : "");
    }

    /**
     * Where the run trained, for grouping rows into series: the path, or for a test-bed row the bed's rate and
     * placement too (rows at two rates are two series, not one, and never share a chart label).
     */
    private String place() {
        if (TestbedMaster.isTestbed(master)) {
            TestbedMaster bed = TestbedMaster.parse(master);
            return "testbed " + bed.rate() + " " + bed.placement().name().toLowerCase(Locale.ROOT);
        }
        return path();
    }

    /** Whether this is a row of the DL4J baseline. */
    public boolean isBaseline() {
        return system.startsWith("dl4j");
    }
}
