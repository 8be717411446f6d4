package io.orrery.spark;

import io.orrery.core.callbacks.Callback;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.ps.GradientEncoding;
import io.orrery.ps.StatsSnapshot;
import io.orrery.ps.TrainingMode;
import io.orrery.spark.data.InputColumns;
import io.orrery.spark.data.InvalidInputException;
import io.orrery.spark.data.Sample;
import io.orrery.spark.data.SampleChecker;
import io.orrery.spark.exchange.HubExchange;
import io.orrery.spark.exchange.ParameterServerLink;
import io.orrery.spark.exchange.ExchangeFactory;
import io.orrery.spark.exchange.ServerSettings;
import io.orrery.spark.exec.EvaluateTask;
import io.orrery.spark.exec.PredictTask;
import io.orrery.spark.exec.StagePlan;
import io.orrery.spark.exec.TaskReport;
import io.orrery.spark.exec.TrainTask;
import io.orrery.spark.exec.WorkerSplit;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.reflect.ClassTag$;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
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
 *         .validationData(testRows));
 * Map<String, Double> scores = trainer.evaluate(model, testRows);
 * }</pre>
 *
 * <p>Immutable and thread-safe to share; calls run Spark jobs labelled with a job group.
 */
public final class SparkTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);

    private final SparkSession spark;
    private final int workers;
    private final TrainingMode mode;
    private final InputColumns columns;
    private final ExchangeFactory exchange;
    private final ServerChoice server;
    private final Duration joinTimeout;
    private final Duration stepTimeout;
    private final ServerSettings serverSettings;
    private final int evalBatchSize;
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
        this.evalBatchSize = b.evalBatchSize;
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
        if (options.validationRows() != null || options.validationSamples() != null) {
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
     * epoch's parameters, validation data (if any) is evaluated, and a progress line is printed.
     *
     * @throws InvalidInputException if the data does not fit the model (width, labels) or is too small
     */
    public History fit(ReplicableModel model, JavaRDD<Sample> train, FitOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        if (options.batchSize() % workers != 0) {
            throw new IllegalArgumentException("Global batch size " + options.batchSize() + " is not divisible by "
                    + workers + " workers: expected a multiple of " + workers + " so that every worker takes the same "
                    + "share of each step; use batchSize(" + Math.max(workers, options.batchSize() / workers * workers)
                    + ")");
        }
        int workerBatch = options.batchSize() / workers;
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SampleChecker checker = new SampleChecker(model.inputWidth(), model.numClasses());
        String group = "orrery-fit-" + System.nanoTime();
        WorkerSplit split = null;
        History history = new History();
        ParameterServerLink link = null;
        try {
            sc.setJobGroup(group, "Orrery fit: splitting data over " + workers + " workers", false);
            long splitStarted = System.nanoTime();
            split = WorkerSplit.of(train, workers, checker);
            long smallest = split.smallest();
            int stepsPerEpoch = (int) Math.min(Integer.MAX_VALUE, smallest / workerBatch);
            if (stepsPerEpoch == 0) {
                throw new InvalidInputException("Not enough training data: each of " + workers + " workers needs at "
                        + "least one batch of " + workerBatch + " samples (global batch " + options.batchSize()
                        + "), the smallest share has " + smallest + ". Use a smaller batch or fewer workers.");
            }
            LOG.info("data split over {} workers: {}s", workers, String.format("%.2f", (System.nanoTime() - splitStarted) / 1e9));
            ExchangeFactory exchangeNow = exchange;
            if (server != null) {
                link = server.open(model, workers, mode, spark, joinTimeout, stepTimeout, serverSettings);
                exchangeNow = link.factory();
                history.addEvent("parameter server: " + link.endpoint().describe()
                        + (link.server() == null ? " (external)" : " (in the driver)"));
            }
            // Through a server, tasks take the parameters from it and never step their optimizer: nothing to ship.
            boolean viaServer = link != null;
            boolean serverInDriver = viaServer && link.server() != null;
            float[] parameters = viaServer ? null : model.parameters().toFloatVector();
            byte[] optimizerState = viaServer ? null : model.optimizerState();
            long step = 0;
            ProgressLine line = new ProgressLine(progress, progressLive);
            JavaRDD<Sample> validation = options.validationRows() != null
                    ? columns.toSamples(options.validationRows()) : options.validationSamples();
            Sequential coreModel = model instanceof SequentialModel sm ? sm.model() : null;
            if (coreModel != null) {
                coreModel.setStopTraining(false);
            }
            for (Callback c : options.callbacks()) {
                c.setContext(coreModel, options.epochs(), stepsPerEpoch);
                c.onTrainBegin();
            }
            Map<String, Double> lastLogs = Map.of();
            for (int epoch = 0; epoch < options.epochs(); epoch++) {
                if (options.verbose()) {
                    line.epochStart(epoch, options.epochs());
                }
                for (Callback c : options.callbacks()) {
                    c.onEpochBegin(epoch);
                }
                sc.setJobGroup(group, "Orrery fit: epoch " + (epoch + 1) + "/" + options.epochs() + ", " + workers
                        + " workers, " + mode + ", batch " + options.batchSize() + " (" + workerBatch + " per worker)",
                        false);
                Broadcast<float[]> parametersNow = viaServer ? null : sc.broadcast(parameters);
                Broadcast<byte[]> optimizerNow = viaServer ? null : sc.broadcast(optimizerState);
                StagePlan plan = new StagePlan(epoch, workers, workerBatch, stepsPerEpoch, step, options.seed(),
                        mode.isSync(), tasksPerJvm(), serverInDriver && isLocalMode(), !serverInDriver);
                long started = System.nanoTime();
                // In ASYNC/BOUNDED the server's version moves once per worker gradient, N times per global step.
                Thread live = options.verbose() && line.live() ? liveProgress(link, line, mode.isSync() ? 1 : workers, stepsPerEpoch,
                        options.batchSize(), started) : null;
                List<TaskReport> reports = new ArrayList<>(split.blocks().rdd().barrier()
                        .mapPartitions(new TrainTask(model.spec(), checker, parametersNow, optimizerNow, exchangeNow,
                                plan), false, ClassTag$.MODULE$.apply(TaskReport.class))
                        // A shuffle after the barrier stage makes it a ShuffleMapStage: Spark retries those when
                        // a task or executor dies, but aborts a failed barrier ResultStage.
                        .toJavaRDD().repartition(1).collect());
                double seconds = (System.nanoTime() - started) / 1e9;
                if (live != null) {
                    live.interrupt();
                    live.join();
                }
                if (!viaServer) {
                    parametersNow.destroy();
                    optimizerNow.destroy();
                }
                reports.sort(Comparator.comparingInt(TaskReport::worker));
                TaskReport first = reports.get(0);
                // The server in the driver holds the parameters; otherwise worker 0 reported them.
                parameters = serverInDriver ? null : first.parameters();
                optimizerState = viaServer ? null : first.optimizerState();
                for (TaskReport r : reports) {
                    LOG.info("epoch={} worker={} executor={} steps={} loop={}s compute={}s exchange={}s", epoch + 1,
                            r.worker(), r.executorId(), r.steps(), String.format("%.2f", r.seconds()),
                            String.format("%.2f", r.computeSeconds()), String.format("%.2f", r.exchangeSeconds()));
                }
                recordStepSplit(history, reports);
                int attempt = reports.stream().mapToInt(TaskReport::stageAttempt).max().orElse(0);
                if (attempt > 0) {
                    history.addEvent("epoch=" + (epoch + 1) + " stage retried: attempt=" + attempt + " resumed at step="
                            + first.firstStep() + " (epoch started at step=" + step + ")");
                }
                if (epoch == 0) {
                    for (TaskReport r : reports) {
                        history.addEvent("worker=" + r.worker() + " executor=" + r.executorId()
                                + (r.gpuAddress() == null ? "" : " gpu=" + r.gpuAddress()));
                    }
                }
                if (serverInDriver) {
                    StatsSnapshot stats = link.server().stats();
                    LOG.info("epoch={} parameter server: {}", epoch + 1, stats.line());
                    if (!mode.isSync()) {
                        // Cumulative over the fit: how stale the applied gradients were (versions behind).
                        history.addEvent("epoch=" + (epoch + 1) + " " + mode + " staleness: mean="
                                + String.format("%.2f", stats.meanStaleness()) + " max=" + stats.maxStaleness()
                                + " stepsApplied=" + stats.stepsApplied() + " broadcastStalls="
                                + stats.publishFailures() + " coalescedBroadcasts=" + stats.coalescedVersions());
                    }
                }
                long steps = reports.stream().mapToLong(TaskReport::steps).sum();
                double loss = reports.stream().mapToDouble(TaskReport::lossSum).sum() / Math.max(steps, 1);
                step = serverInDriver && mode.isSync() ? link.server().version() : step + stepsPerEpoch;
                model.parameters().assign(serverInDriver ? link.server().parameters() : Nd4j.createFromArray(parameters));
                if (!viaServer) {
                    model.restoreOptimizerState(optimizerState);
                } else if (serverInDriver) {
                    // The server owns the optimizer state (replicas never step theirs): bring it back, so that the
                    // driver's model continues where the server stopped (in a later fit, or saved with the model).
                    model.restoreOptimizerState(link.optimizerState());
                }
                Map<String, Double> values = new LinkedHashMap<>();
                values.put("loss", loss);
                for (String metric : first.metrics().keySet()) {
                    values.put(metric, reports.stream().mapToDouble(r -> r.metrics().getOrDefault(metric, 0.0))
                            .average().orElse(0));
                }
                if (validation != null) {
                    sc.setJobGroup(group, "Orrery fit: validation after epoch " + (epoch + 1), false);
                    evaluate(model, validation).forEach((k, v) -> values.put("val_" + k, v));
                }
                history.recordEpoch(epoch, values);
                if (options.verbose()) {
                    line.epochEnd(stepsPerEpoch, seconds, (long) stepsPerEpoch * options.batchSize(), values);
                }
                for (Callback c : options.callbacks()) {
                    c.onEpochEnd(epoch, values);
                }
                lastLogs = values;
                if (coreModel != null && coreModel.stopTraining() && epoch + 1 < options.epochs()) {
                    history.addEvent("epoch=" + (epoch + 1) + " training stopped by a callback");
                    break;
                }
            }
            for (Callback c : options.callbacks()) {
                c.onTrainEnd(lastLogs);
            }
            return history;
        } catch (Exception e) {
            throw Failures.unwrap(e);
        } finally {
            if (link != null) {
                link.close();
            }
            if (split != null) {
                split.unpersist();
            }
            sc.clearJobGroup();
        }
    }

    /**
     * How many of this fit's tasks share one JVM: all of them in local mode, else the executor's task slots
     * ({@code spark.executor.cores / spark.task.cpus}, 1 when unset).
     */
    private boolean isLocalMode() {
        String master = spark.sparkContext().master();
        return master.startsWith("local") && !master.startsWith("local-cluster");
    }

    private int tasksPerJvm() {
        if (isLocalMode()) {
            return Math.min(workers, spark.sparkContext().defaultParallelism());
        }
        org.apache.spark.SparkConf conf = spark.sparkContext().getConf();
        int cores = conf.getInt("spark.executor.cores", 1);
        int perTask = conf.getInt("spark.task.cpus", 1);
        return Math.max(1, Math.min(workers, cores / Math.max(1, perTask)));
    }

    /**
     * With a server in the driver, rewrites the epoch's progress line twice a second from the server's step
     * counter (the tasks report only when the stage ends); null otherwise.
     */
    private static Thread liveProgress(ParameterServerLink link, ProgressLine line, int versionsPerStep, int steps,
                                       int batchSize, long startedNs) {
        if (link == null || link.server() == null) {
            return null;
        }
        long firstVersion = link.server().version();
        Thread thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(500);
                    long done = Math.min(steps, (link.server().version() - firstVersion) / versionsPerStep);
                    line.update(done, steps, (System.nanoTime() - startedNs) / 1e9, batchSize);
                }
            } catch (InterruptedException stop) {
                // the stage ended
            }
        }, "orrery-progress");
        thread.setDaemon(true);
        thread.start();
        return thread;
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
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> parameters = sc.broadcast(model.parameters().toFloatVector());
        try {
            sc.setJobDescription("Orrery evaluate");
            List<Evaluation> parts = data.mapPartitions(new EvaluateTask(model.spec(),
                    new SampleChecker(model.inputWidth(), model.numClasses()), parameters, evalBatchSize)).collect();
            if (parts.isEmpty()) {
                throw new InvalidInputException("Cannot evaluate on an empty data set: expected at least one sample");
            }
            Evaluation total = parts.get(0);
            for (int i = 1; i < parts.size(); i++) {
                total = total.merge(parts.get(i));
            }
            return total.results();
        } catch (Exception e) {
            throw Failures.unwrap(e);
        } finally {
            parameters.destroy();
            sc.setJobDescription(null);
        }
    }

    /**
     * Class probabilities for each feature vector, computed on the executors, in the input's order.
     *
     * @return one float[numClasses] per input row
     */
    public JavaRDD<float[]> predict(ReplicableModel model, JavaRDD<float[]> features) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> parameters = sc.broadcast(model.parameters().toFloatVector());
        return features.mapPartitions(new PredictTask<float[], float[]>(model.spec(), model.inputWidth(), parameters,
                evalBatchSize, f -> f, (f, p) -> p));
    }

    /**
     * Adds a {@code probabilities} column (array&lt;float&gt;) and a {@code prediction} column (the argmax class) to
     * the rows, computed on the executors in one pass; only the features column is read.
     */
    public Dataset<Row> predict(ReplicableModel model, Dataset<Row> data) {
        columns.toFeatures(data);  // checks the features column's presence and type on the driver
        int index = data.schema().fieldIndex(columns.features());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> parameters = sc.broadcast(model.parameters().toFloatVector());
        JavaRDD<Row> rows = data.javaRDD().mapPartitions(new PredictTask<Row, Row>(model.spec(), model.inputWidth(),
                parameters, evalBatchSize, row -> InputColumns.floats(row.getList(index)), SparkTrainer::withPrediction));
        StructType schema = data.schema()
                .add("probabilities", DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("prediction", DataTypes.IntegerType);
        return spark.createDataFrame(rows, schema);
    }

    private static Row withPrediction(Row row, float[] p) {
        Object[] values = new Object[row.size() + 2];
        for (int i = 0; i < row.size(); i++) {
            values[i] = row.get(i);
        }
        Float[] boxed = new Float[p.length];
        int best = 0;
        for (int i = 0; i < p.length; i++) {
            boxed[i] = p[i];
            if (p[i] > p[best]) {
                best = i;
            }
        }
        values[row.size()] = boxed;
        values[row.size() + 1] = best;
        return RowFactory.create(values);
    }

    /**
     * Adds one epoch's task reports to the run's figures in {@link History#stats()}: the mean per-step compute,
     * communication (sending gradients) and waiting (from sent until the step's parameters are in: other workers,
     * aggregation, the transfer) in milliseconds, averaged over workers, and bytes sent and received summed over
     * workers and epochs.
     */
    private static void recordStepSplit(History history, List<TaskReport> reports) {
        Map<String, Double> s = history.stats();
        double steps = s.getOrDefault("steps_per_worker", 0.0);
        double compute = s.getOrDefault("compute_seconds_per_worker", 0.0);
        double send = s.getOrDefault("send_seconds_per_worker", 0.0);
        double wait = s.getOrDefault("wait_seconds_per_worker", 0.0);
        double sent = s.getOrDefault("bytes_sent", 0.0);
        double received = s.getOrDefault("bytes_received", 0.0);
        int n = reports.size();
        for (TaskReport r : reports) {
            steps += (double) r.steps() / n;
            compute += r.computeSeconds() / n;
            send += r.sendSeconds() / n;
            wait += r.waitSeconds() / n;
            sent += r.bytesSent();
            received += r.bytesReceived();
        }
        history.putStat("steps_per_worker", steps);
        history.putStat("compute_seconds_per_worker", compute);
        history.putStat("send_seconds_per_worker", send);
        history.putStat("wait_seconds_per_worker", wait);
        history.putStat("bytes_sent", sent);
        history.putStat("bytes_received", received);
        if (steps > 0) {
            history.putStat("compute_ms_per_step", 1e3 * compute / steps);
            history.putStat("communication_ms_per_step", 1e3 * send / steps);
            history.putStat("waiting_ms_per_step", 1e3 * wait / steps);
        }
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
         * local mode, UDP on {@code spark.driver.host} otherwise. This is the default (DESIGN.md: gradients go
         * through the parameter server); the call only undoes an earlier {@code parameterServer(host, ...)}.
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
            if (exchange == null && server == null) {
                // DESIGN.md: gradients go through the Aeron parameter server, by default one in the driver.
                server = ServerChoice.EMBEDDED;
            }
            return new SparkTrainer(this);
        }
    }
}
