package io.orrery.spark;

import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.core.models.TrainingLoop;
import io.orrery.ps.GradientEncoding;
import io.orrery.ps.TrainingMode;
import io.orrery.spark.data.InputColumns;
import io.orrery.spark.data.InvalidInputException;
import io.orrery.spark.data.Sample;
import io.orrery.spark.exchange.ExchangeFactory;
import io.orrery.spark.exchange.ServerSettings;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Trains one model data-parallel on Spark: the data is split over N workers, every global mini-batch of B samples
 * becomes N per-worker batches of B / N, and each step's gradients are combined (SYNC: averaged, so the result is
 * the single-node result on the global batch). After {@link #fit}, the driver's model holds the trained parameters.
 * By default the gradients go through an Aeron parameter server that the trainer starts in the driver for each fit
 * (SYNC, ASYNC or BOUNDED; encoding, shards and checkpoints set on the builder); {@code HubExchange} is an opt-in
 * alternative for SYNC without a server.
 *
 * <pre>{@code
 * SparkTrainer trainer = SparkTrainer.builder(spark).workers(2).mode(TrainingMode.SYNC).build();  // server in the driver
 * History h = trainer.fit(model, trainRows, FitOptions.defaults().epochs(3).batchSize(128)
 *         .validation(() -> trainer.evaluate(model, testRows)));
 * Map<String, Double> scores = trainer.evaluate(model, testRows);
 * }</pre>
 *
 * <p>Immutable and thread-safe to share; calls run Spark jobs labelled with a job group.
 *
 * <p>Why this file is longer than 400 lines: it is the trainer's whole public face, the builder with one documented
 * setter per setting and the checks that combine them; the work itself is in {@code DistributedEpochs},
 * {@code Inference} and the {@code exchange} package.
 */
public final class SparkTrainer {

    private final SparkSession spark;
    private final int workers;
    private final TrainingMode mode;
    private final InputColumns columns;
    private final ExchangeFactory exchange;
    private final ServerChoice server;
    private final Duration joinTimeout;
    private final Duration stepTimeout;
    private final ServerSettings serverSettings;
    private final Inference inference;
    private final PrintStream progress;
    private final boolean progressLive;

    private SparkTrainer(Builder b) {
        this.spark = b.spark;
        this.workers = b.workers;
        this.mode = b.mode;
        this.columns = new InputColumns(b.featuresColumn, b.labelColumn);
        this.exchange = b.exchange;
        this.server = b.server;
        this.joinTimeout = b.joinTimeout;
        this.stepTimeout = b.stepTimeout;
        this.serverSettings = new ServerSettings(b.encoding, b.shards, b.checkpointDir, b.checkpointEvery,
                b.sparseFraction, b.sparseThreshold);
        this.inference = new Inference(b.spark, b.evalBatchSize);
        this.progress = b.progress;
        this.progressLive = b.progressLive;
    }

    /** Starts a configuration for the given session; {@link Builder#build()} checks it. */
    public static Builder builder(SparkSession spark) {
        return new Builder(spark);
    }

    public int workers() {
        return workers;
    }

    public TrainingMode mode() {
        return mode;
    }

    /** Trains on a {@code Dataset<Row>} with the configured features and label columns. */
    public History fit(ReplicableModel model, Dataset<Row> train, FitOptions options) {
        return fit(model, columns.toSamples(train), options);
    }

    /** Trains core's model on a {@code Dataset<Row>}; afterwards it holds the trained parameters. */
    public History fit(Sequential model, Dataset<Row> train, FitOptions options) {
        return fit(model, columns.toSamples(train), options);
    }

    /** Trains core's model on samples; afterwards it holds the trained parameters. */
    public History fit(Sequential model, JavaRDD<Sample> train, FitOptions options) {
        SequentialModel replicable = new SequentialModel(model);
        if (options.validation() != null) {
            replicable.requireMergeableMetrics();
        }
        return fit(replicable, train, options);
    }

    /** Distributed evaluation of core's model; see {@link #evaluate(ReplicableModel, JavaRDD)}. */
    public Map<String, Double> evaluate(Sequential model, Dataset<Row> data) {
        return evaluate(model, columns.toSamples(data));
    }

    /** Distributed evaluation of core's model; see {@link #evaluate(ReplicableModel, JavaRDD)}. */
    public Map<String, Double> evaluate(Sequential model, JavaRDD<Sample> data) {
        SequentialModel replicable = new SequentialModel(model);
        replicable.requireMergeableMetrics();
        return evaluate(replicable, data);
    }

    /** Distributed prediction with core's model; see {@link #predict(ReplicableModel, Dataset)}. */
    public Dataset<Row> predict(Sequential model, Dataset<Row> data) {
        return predict(new SequentialModel(model), data);
    }

    /**
     * Trains on samples. Each epoch is one barrier stage of N tasks; after it the driver's model holds the
     * epoch's parameters, the options' validation (if any) runs, and a progress line is printed. Core's
     * {@link TrainingLoop} runs the epochs: callbacks at the train and epoch hooks, {@code val_} results, the
     * history, and stopping (a callback's {@code stopTraining}, a non-finite loss).
     *
     * @throws InvalidInputException if the data does not fit the model (width, labels) or is too small
     */
    public History fit(ReplicableModel model, JavaRDD<Sample> train, FitOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        checkFitOptions(options);
        Sequential coreModel = model instanceof SequentialModel sm ? sm.model() : null;
        History history = new History();
        DistributedEpochs epochs = new DistributedEpochs(new DistributedEpochs.Settings(spark, workers, mode, exchange,
                server, joinTimeout, stepTimeout, serverSettings, progress, progressLive), model, options.batchSize(),
                options.seed(), options.epochs(), "orrery-fit-" + System.nanoTime(), history);
        try (epochs) {
            epochs.open(train);
            return new TrainingLoop(coreModel, options, epochs).run(history);
        } catch (Exception e) {
            throw Failures.unwrap(e);
        }
    }

    private void checkFitOptions(FitOptions options) {
        if (options.batchSize() % workers != 0) {
            throw new IllegalArgumentException("Global batch size " + options.batchSize() + " is not divisible by "
                    + workers + " workers: expected a multiple of " + workers + " so that every worker takes the same "
                    + "share of each step; use batchSize(" + Math.max(workers, options.batchSize() / workers * workers)
                    + ")");
        }
        if (options.validationX() != null || options.validationSplit() > 0) {
            throw new IllegalArgumentException("SparkTrainer.fit found in-memory validation data (validationData(x, y) "
                    + "or validationSplit), expected data on the cluster: use validation(() -> trainer.evaluate(model, "
                    + "validationRows)) instead.");
        }
        if (!options.shuffle()) {
            throw new IllegalArgumentException("SparkTrainer.fit found shuffle(false), expected shuffle(true): each "
                    + "worker visits its share in a seeded order per epoch (set seed(...) to choose it); remove "
                    + "shuffle(false).");
        }
    }

    /** Distributed evaluation of a {@code Dataset<Row>}; see {@link #evaluate(ReplicableModel, JavaRDD)}. */
    public Map<String, Double> evaluate(ReplicableModel model, Dataset<Row> data) {
        return evaluate(model, columns.toSamples(data));
    }

    /**
     * Evaluates the driver's model on the executors: each partition computes loss and metric states, the driver
     * merges them, so the result equals evaluating all samples in one process.
     *
     * @return Keras-style results, for example {@code {loss=0.07, accuracy=0.978}}
     */
    public Map<String, Double> evaluate(ReplicableModel model, JavaRDD<Sample> data) {
        return inference.evaluate(model, data);
    }

    /**
     * Class probabilities for each feature vector, computed on the executors, in the input's order.
     *
     * @return one float[numClasses] per input row
     */
    public JavaRDD<float[]> predict(ReplicableModel model, JavaRDD<float[]> features) {
        return inference.predict(model, features);
    }

    /**
     * Adds a {@code probabilities} column (array&lt;float&gt;) and a {@code prediction} column (the argmax class) to
     * the rows, computed on the executors in one pass; only the features column is read.
     */
    public Dataset<Row> predict(ReplicableModel model, Dataset<Row> data) {
        columns.toFeatures(data);  // checks the features column's presence and type on the driver
        return inference.predict(model, data, data.schema().fieldIndex(columns.features()));
    }

    /** Settings of a {@link SparkTrainer}; all optional except the session. */
    public static final class Builder {

        private final SparkSession spark;
        private int workers = -1;
        private TrainingMode mode = TrainingMode.SYNC;
        private String featuresColumn = InputColumns.DEFAULT_FEATURES;
        private String labelColumn = InputColumns.DEFAULT_LABEL;
        private ExchangeFactory exchange;
        private ServerChoice server;
        private Duration joinTimeout = Duration.ofSeconds(30);
        private Duration stepTimeout = Duration.ofSeconds(60);
        private GradientEncoding encoding = GradientEncoding.FLOAT32;
        private double sparseFraction = ServerSettings.DEFAULTS.sparseFraction();
        private double sparseThreshold = 0;
        private int shards = 1;
        private Path checkpointDir;
        private int checkpointEvery;
        private boolean serverSettingsSet;
        private ShardPlacement placement = ShardPlacement.DRIVER;
        private int evalBatchSize = 1024;
        private PrintStream progress = System.out;
        private boolean progressLive = System.console() != null;

        private Builder(SparkSession spark) {
            this.spark = Objects.requireNonNull(spark, "spark session");
        }

        /** Number of workers N (tasks of the barrier stage); default: the cluster's default parallelism. */
        public Builder workers(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("workers must be at least 1, found " + value);
            }
            this.workers = value;
            return this;
        }

        /** {@link TrainingMode#SYNC} (default), {@link TrainingMode#ASYNC} or {@link TrainingMode#bounded(int)}. */
        public Builder mode(TrainingMode value) {
            this.mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        /** Name of the array&lt;float&gt; or array&lt;double&gt; features column (default {@code features}). */
        public Builder featuresColumn(String name) {
            this.featuresColumn = Objects.requireNonNull(name, "featuresColumn");
            return this;
        }

        /** Name of the class-index label column (default {@code label}). */
        public Builder labelColumn(String name) {
            this.labelColumn = Objects.requireNonNull(name, "labelColumn");
            return this;
        }

        /**
         * Replaces the parameter server with another way to exchange gradients, for example
         * {@code HubExchange.factory()}: worker 0 of the stage averages the gradients over TCP and every worker
         * applies its own optimizer copy (SYNC only; no server). Default: the parameter server in the driver.
         */
        public Builder gradientExchange(ExchangeFactory value) {
            this.exchange = Objects.requireNonNull(value, "gradientExchange");
            return this;
        }

        /**
         * Trains through an Aeron parameter server started in the driver for each fit: {@code aeron:ipc} in Spark
         * local mode, UDP on {@code spark.driver.host} otherwise. This is the default (gradients go through a
         * parameter server unless an exchange is set); the call only undoes an earlier
         * {@code parameterServer(host, ...)}.
         */
        public Builder parameterServer() {
            this.server = ServerChoice.EMBEDDED;
            return this;
        }

        /**
         * Trains through a separately started parameter server (the {@code parameter-server} main) at
         * {@code host:port}, with that server's job id and token.
         */
        public Builder parameterServer(String host, int port, long jobId, long token) {
            this.server = ServerChoice.external(Objects.requireNonNull(host, "host"), port, jobId, token);
            return this;
        }

        /**
         * Trains through a separately started parameter server that was given the application's secret
         * ({@code ps --secret-file} or {@code ORRERY_PS_SECRET}, the same value as {@code spark.authenticate.secret}):
         * the tasks prove the job key derived from it and {@code jobId}, and no token is used.
         */
        public Builder parameterServer(String host, int port, long jobId) {
            this.server = ServerChoice.externalKeyed(Objects.requireNonNull(host, "host"), port, jobId);
            return this;
        }

        /** How long a task waits to join the server, and for each step's parameters (defaults 30 s, 60 s). */
        public Builder parameterServerTimeouts(Duration join, Duration step) {
            this.joinTimeout = Objects.requireNonNull(join, "join timeout");
            this.stepTimeout = Objects.requireNonNull(step, "step timeout");
            return this;
        }

        /**
         * How workers encode gradients for the parameter server in the driver (default
         * {@link GradientEncoding#FLOAT32}); {@link GradientEncoding#SPARSE} sends the top {@link #sparseFraction}
         * of each chunk and keeps the rest in the worker's residual.
         */
        public Builder gradientEncoding(GradientEncoding value) {
            this.encoding = Objects.requireNonNull(value, "gradientEncoding");
            serverSettingsSet |= value != GradientEncoding.FLOAT32;
            return this;
        }

        /** SPARSE encoding: the fraction of each chunk's values sent, in (0, 0.5] (default 0.01, top 1%). */
        public Builder sparseFraction(double value) {
            if (!(value > 0 && value <= 0.5)) {
                throw new IllegalArgumentException("sparseFraction: expected a fraction in (0, 0.5], found " + value);
            }
            this.sparseFraction = value;
            return this;
        }

        /** SPARSE encoding: send the values of at least this magnitude instead of a fixed fraction (0: off). */
        public Builder sparseThreshold(double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("sparseThreshold: expected a finite value >= 0, found " + value);
            }
            this.sparseThreshold = value;
            return this;
        }

        /**
         * Number of contiguous shards of the flat parameter buffer in the driver's server, each aggregated and
         * updated by its own thread (default 1).
         */
        public Builder parameterServerShards(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("parameterServerShards: expected at least 1, found " + value);
            }
            this.shards = value;
            serverSettingsSet |= value != 1;
            return this;
        }

        /**
         * The driver's server writes parameters, optimizer state and step atomically to {@code directory} every
         * {@code everySteps} steps (0: only on request).
         */
        public Builder checkpoints(Path directory, int everySteps) {
            if (everySteps < 0) {
                throw new IllegalArgumentException("checkpoint interval: expected >= 0 steps, found " + everySteps);
            }
            this.checkpointDir = Objects.requireNonNull(directory, "checkpoint directory");
            this.checkpointEvery = everySteps;
            serverSettingsSet = true;
            return this;
        }

        /**
         * Where the parameter server's shards run: {@link ShardPlacement#DRIVER} (the default), or
         * {@link ShardPlacement#COLOCATED}, one shard of the flat buffer in each worker's executor, so that no single
         * host carries every worker's gradients (SYNC only; not with an external server or a gradientExchange).
         */
        public Builder shardPlacement(ShardPlacement value) {
            this.placement = Objects.requireNonNull(value, "shardPlacement");
            return this;
        }

        /** Batch size for evaluation and prediction on the executors (default 1024). */
        public Builder evalBatchSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("evalBatchSize must be at least 1, found " + value);
            }
            this.evalBatchSize = value;
            return this;
        }

        /** Where progress lines go, each epoch's final line only (not a terminal). */
        public Builder progressTo(PrintStream out) {
            return progressTo(out, false);
        }

        /**
         * Where the per-epoch progress goes; with {@code live} the line is redrawn with {@code \r} while the epoch
         * runs (for a terminal), otherwise only each epoch's final line is printed (for logs). The default is
         * {@code System.out}, live when the JVM has a console.
         */
        public Builder progressTo(PrintStream out, boolean live) {
            this.progress = Objects.requireNonNull(out, "progress stream");
            this.progressLive = live;
            return this;
        }

        /** Checks the settings together and makes the trainer. */
        public SparkTrainer build() {
            if (workers < 0) {
                workers = spark.sparkContext().defaultParallelism();
            }
            if (server != null && exchange != null) {
                throw new IllegalArgumentException("Both a parameter server and a gradientExchange(...) were set: "
                        + "expected one way to exchange gradients; remove one of them.");
            }
            if (exchange != null && !mode.isSync()) {
                throw new IllegalArgumentException("Training mode " + mode + " needs the parameter server; a "
                        + "gradientExchange(...) supports SYNC only. Use mode(TrainingMode.SYNC) or remove "
                        + "gradientExchange(...) (the parameter server in the driver is the default).");
            }
            if (serverSettingsSet && (exchange != null || (server != null && server.isExternal()))) {
                throw new IllegalArgumentException("gradientEncoding, parameterServerShards and checkpoints configure "
                        + "the parameter server the trainer starts in the driver, found "
                        + (exchange != null ? "a gradientExchange(...)" : "an external parameterServer(host, ...)")
                        + ". Set them on that server instead, or drop them.");
            }
            if (placement == ShardPlacement.COLOCATED) {
                if (exchange != null || (server != null && server.isExternal())) {
                    throw new IllegalArgumentException("shardPlacement(COLOCATED) starts the shards in the executors, "
                            + "found " + (exchange != null ? "a gradientExchange(...)" : "an external parameterServer("
                            + "host, ...)") + " as well: expected one way to exchange gradients; remove one of them.");
                }
                if (!mode.isSync()) {
                    throw new IllegalArgumentException("shardPlacement(COLOCATED) supports SYNC only, found mode "
                            + mode + ": use mode(TrainingMode.SYNC), or ShardPlacement.DRIVER for " + mode + ".");
                }
                if (shards != 1) {
                    throw new IllegalArgumentException("shardPlacement(COLOCATED) makes one shard per worker ("
                            + workers + "), found parameterServerShards(" + shards + "): drop parameterServerShards.");
                }
                server = ServerChoice.COLOCATED;
            }
            if (exchange == null && server == null) {
                // The default path: gradients go through an Aeron parameter server, one started in the driver.
                server = ServerChoice.EMBEDDED;
            }
            return new SparkTrainer(this);
        }
    }
}
