package io.orrery.spark;

import io.orrery.core.callbacks.Callback;
import io.orrery.core.models.EpochRunner;
import io.orrery.ps.TrainingMode;
import io.orrery.core.models.History;
import io.orrery.ps.StatsSnapshot;
import io.orrery.spark.data.InvalidInputException;
import io.orrery.spark.data.Sample;
import io.orrery.spark.data.SampleChecker;
import io.orrery.spark.exchange.ExchangeFactory;
import io.orrery.spark.exchange.ParameterServerExchange;
import io.orrery.spark.exchange.ParameterServerLink;
import io.orrery.spark.exchange.ServerSettings;
import io.orrery.spark.exec.ExecutorWarmup;
import io.orrery.spark.exec.StagePlan;
import io.orrery.spark.exec.TaskReport;
import io.orrery.spark.exec.TrainTask;
import io.orrery.spark.exec.WorkerSplit;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag$;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The epochs of {@link SparkTrainer#fit}: each epoch is one barrier stage of N training tasks over the data split
 * once per fit, its gradients exchanged through the parameter server (or another {@link ExchangeFactory}). After
 * an epoch the driver's model holds the epoch's parameters and optimizer state. Core's training loop calls it and
 * keeps the callbacks, validation, history and stopping.
 *
 * <p>Opened per fit, closed by it: {@link #close()} stops the server in the driver and releases the cached split.
 */
final class DistributedEpochs implements EpochRunner, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DistributedEpochs.class);

    /** The trainer's settings one fit needs (see {@link SparkTrainer.Builder}). */
    record Settings(SparkSession spark, int workers, TrainingMode mode, ExchangeFactory exchange, ServerChoice server,
                    Duration joinTimeout, Duration stepTimeout, ServerSettings serverSettings, PrintStream progress,
                    boolean progressLive) {
    }

    private final Settings settings;
    private final ReplicableModel model;
    private final JavaSparkContext sc;
    private final String group;
    private final History history;
    private final SampleChecker checker;
    private final int workerBatch;
    private final int globalBatch;
    private final long seed;
    private final int epochs;
    private WorkerSplit split;
    private int stepsPerEpoch;
    private ParameterServerLink link;
    private ExchangeFactory exchange;
    private float[] parameters;
    private byte[] optimizerState;
    /** The driver's non-trainable state (moving statistics), broadcast to each epoch's replicas; null if none. */
    private float[] nonTrainable;
    private long step;
    private ProgressLine line;
    private double lastStageSeconds;

    /**
     * @param group the Spark job group of this fit's jobs
     * @param history where the epochs record events and run figures (the training loop records the epochs into it)
     */
    DistributedEpochs(Settings settings, ReplicableModel model, int globalBatch, long seed, int epochs, String group,
                      History history) {
        this.settings = settings;
        this.model = model;
        this.sc = JavaSparkContext.fromSparkContext(settings.spark().sparkContext());
        this.group = group;
        this.history = history;
        this.checker = new SampleChecker(model.inputShape(), model.numClasses());
        this.workerBatch = globalBatch / settings.workers();
        this.globalBatch = globalBatch;
        this.seed = seed;
        this.epochs = epochs;
    }

    /**
     * Splits the data over the workers and connects the gradient exchange (starting the server in the driver). The
     * server starts on its own thread while the split's Spark jobs run: neither needs the other, and on a cluster
     * each takes seconds.
     */
    void open(JavaRDD<Sample> train) {
        int workers = settings.workers();
        ServerStart serverStart = settings.server() == null ? null : ServerStart.begin(() -> settings.server().open(
                model, workers, settings.mode(), settings.spark(), settings.joinTimeout(), settings.stepTimeout(),
                settings.serverSettings()));
        try {
            sc.setJobGroup(group, "Orrery fit: splitting data over " + workers + " workers", false);
            long splitStarted = System.nanoTime();
            split = WorkerSplit.of(train, workers, checker, warmup());
            long smallest = split.smallest();
            stepsPerEpoch = (int) Math.min(Integer.MAX_VALUE, smallest / workerBatch);
            if (stepsPerEpoch == 0) {
                throw new InvalidInputException("Not enough training data: each of " + workers + " workers needs at "
                        + "least one batch of " + workerBatch + " samples (global batch " + globalBatch
                        + "), the smallest share has " + smallest + ". Use a smaller batch or fewer workers.");
            }
            LOG.info("data split over {} workers: {}s", workers,
                    String.format("%.2f", (System.nanoTime() - splitStarted) / 1e9));
        } catch (RuntimeException e) {
            if (serverStart != null) {
                serverStart.abandon();
            }
            throw e;
        }
        exchange = settings.exchange();
        if (serverStart != null) {
            link = serverStart.await();
            exchange = link.factory();
            history.addEvent("parameter server: " + link.describe());
        }
        // Through a server, tasks take the parameters from it and never step their optimizer: nothing to ship.
        parameters = viaServer() ? null : model.parameters().toFloatVector();
        optimizerState = viaServer() ? null : model.optimizerState();
        nonTrainable = model.nonTrainableParameters() == null ? null : model.nonTrainableParameters().toFloatVector();
    }

    /**
     * On a cluster the executors load ND4J while they split and, when the tasks will reach a parameter server over
     * UDP, launch their shared media driver (both took seconds of the first epoch's join).
     */
    private ExecutorWarmup warmup() {
        if (isLocalMode()) {
            return ExecutorWarmup.NONE;
        }
        return ExecutorWarmup.of(settings.server() != null, ParameterServerExchange.DRIVER_LINGER);
    }

    /** A server outlives the stages and holds the parameters between them (not so colocated shards). */
    private boolean viaServer() {
        return link != null && !link.colocated();
    }

    /** Shards started by the tasks of each stage from the shipped parameters, their slices reported back. */
    private boolean colocated() {
        return link != null && link.colocated();
    }

    private boolean serverInDriver() {
        return link != null && link.server() != null;
    }

    @Override
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    @Override
    public Map<String, Double> runEpoch(int epoch, BatchListener batches) {
        TrainingMode mode = settings.mode();
        int workers = settings.workers();
        sc.setJobGroup(group, "Orrery fit: epoch " + (epoch + 1) + "/" + epochs + ", " + workers + " workers, " + mode
                + ", batch " + globalBatch + " (" + workerBatch + " per worker)", false);
        Broadcast<float[]> parametersNow = viaServer() ? null : sc.broadcast(parameters);
        Broadcast<byte[]> optimizerNow = viaServer() ? null : sc.broadcast(optimizerState);
        // Not carried by the server (it sees trainable parameters only): the driver ships it, whatever the exchange.
        Broadcast<float[]> nonTrainableNow = nonTrainable == null ? null : sc.broadcast(nonTrainable);
        StagePlan plan = new StagePlan(epoch, workers, workerBatch, stepsPerEpoch, step, seed, mode.isSync(),
                tasksPerJvm(), (serverInDriver() && isLocalMode()) || colocated(), !serverInDriver());
        long started = System.nanoTime();
        // In ASYNC/BOUNDED the server's version moves once per worker gradient, N times per global step.
        Thread live = line != null && line.live() ? liveProgress(mode.isSync() ? 1 : workers, started) : null;
        List<TaskReport> reports;
        try {
            reports = new ArrayList<>(split.blocks().rdd().barrier()
                    .mapPartitions(new TrainTask(model.spec(), checker, parametersNow, optimizerNow, exchange, plan)
                                    .startingNonTrainable(nonTrainableNow),
                            false, ClassTag$.MODULE$.apply(TaskReport.class))
                    // A shuffle after the barrier stage makes it a ShuffleMapStage: Spark retries those when a task
                    // or executor dies, but aborts a failed barrier ResultStage.
                    .toJavaRDD().repartition(1).collect());
        } finally {
            stopLiveProgress(live);
        }
        lastStageSeconds = (System.nanoTime() - started) / 1e9;
        if (!viaServer()) {
            parametersNow.destroy();
            optimizerNow.destroy();
        }
        if (nonTrainableNow != null) {
            nonTrainableNow.destroy();
        }
        reports.sort(Comparator.comparingInt(TaskReport::worker));
        recordStage(epoch, reports);
        if (colocated()) {
            // The shards stopped with the stage: the driver's model takes their slices, and ships them next epoch.
            ColocatedState.restore(model, reports);
            parameters = model.parameters().toFloatVector();
            optimizerState = model.optimizerState();
            step += stepsPerEpoch;
        } else {
            takeEpochState(reports.get(0));
        }
        if (nonTrainable != null) {
            NonTrainableAverage.assign(nonTrainable, reports);
            model.nonTrainableParameters().assign(Nd4j.createFromArray(nonTrainable));
        }
        long steps = reports.stream().mapToLong(TaskReport::steps).sum();
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", reports.stream().mapToDouble(TaskReport::lossSum).sum() / Math.max(steps, 1));
        for (String metric : reports.get(0).metrics().keySet()) {
            logs.put(metric, reports.stream().mapToDouble(r -> r.metrics().getOrDefault(metric, 0.0))
                    .average().orElse(0));
        }
        return logs;
    }

    /** Brings the epoch's parameters and optimizer state into the driver's model. */
    private void takeEpochState(TaskReport first) {
        // The server in the driver holds the parameters; otherwise worker 0 reported them.
        parameters = serverInDriver() ? null : first.parameters();
        optimizerState = viaServer() ? null : first.optimizerState();
        step = serverInDriver() && settings.mode().isSync() ? link.server().version() : step + stepsPerEpoch;
        model.parameters().assign(serverInDriver() ? link.server().parameters() : Nd4j.createFromArray(parameters));
        if (!viaServer()) {
            model.restoreOptimizerState(optimizerState);
        } else if (serverInDriver()) {
            // The server owns the optimizer state (replicas never step theirs): bring it back, so that the driver's
            // model continues where the server stopped (in a later fit, or saved with the model).
            model.restoreOptimizerState(link.optimizerState());
        }
    }


    /** Logs the stage's tasks and records its figures, retries, placement and the server's staleness. */
    private void recordStage(int epoch, List<TaskReport> reports) {
        TaskReport first = reports.get(0);
        for (TaskReport r : reports) {
            LOG.info("epoch={} worker={} executor={} steps={} loop={}s compute={}s exchange={}s", epoch + 1,
                    r.worker(), r.executorId(), r.steps(), String.format("%.2f", r.seconds()),
                    String.format("%.2f", r.computeSeconds()), String.format("%.2f", r.exchangeSeconds()));
        }
        StepSplit.record(history, reports);
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
        if (serverInDriver()) {
            TrainingMode mode = settings.mode();
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
    }

    /** Validation data of a distributed fit comes through {@code FitOptions.validation(...)}; none is held here. */
    @Override
    public Map<String, Double> validate() {
        return null;
    }

    /**
     * Keras-like epoch lines on the driver ({@code Epoch 2/3}, then the stage's line with samples per second),
     * redrawn live from the server's step counter when the stream is a terminal.
     */
    @Override
    public Callback progress(int verbose) {
        line = new ProgressLine(settings.progress(), settings.progressLive() && verbose == 1);
        return new Callback() {
            @Override
            public void onEpochBegin(int epoch) {
                line.epochStart(epoch, epochs);
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                line.epochEnd(stepsPerEpoch, lastStageSeconds, (long) stepsPerEpoch * globalBatch, logs);
            }
        };
    }

    /** Stops the server in the driver (or leaves the external one), releases the split and the job group. */
    @Override
    public void close() {
        try {
            if (link != null) {
                link.close();
            }
        } finally {
            if (split != null) {
                split.unpersist();
            }
            sc.clearJobGroup();
        }
    }

    private boolean isLocalMode() {
        return SparkMasters.isSingleJvm(settings.spark().sparkContext().master());
    }

    /**
     * How many of this fit's tasks share one JVM: all of them in local mode, else the executor's task slots
     * ({@code spark.executor.cores / spark.task.cpus}, 1 when unset).
     */
    private int tasksPerJvm() {
        int workers = settings.workers();
        if (isLocalMode()) {
            return Math.min(workers, settings.spark().sparkContext().defaultParallelism());
        }
        SparkConf conf = settings.spark().sparkContext().getConf();
        int cores = conf.getInt("spark.executor.cores", 1);
        int perTask = conf.getInt("spark.task.cpus", 1);
        return Math.max(1, Math.min(workers, cores / Math.max(1, perTask)));
    }

    /**
     * With a server in the driver, rewrites the epoch's progress line twice a second from the server's step
     * counter (the tasks report only when the stage ends); null otherwise.
     */
    private Thread liveProgress(int versionsPerStep, long startedNs) {
        if (!serverInDriver()) {
            return null;
        }
        long firstVersion = link.server().version();
        int steps = stepsPerEpoch;
        Thread thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(500);
                    long done = Math.min(steps, (link.server().version() - firstVersion) / versionsPerStep);
                    line.update(done, steps, (System.nanoTime() - startedNs) / 1e9, globalBatch);
                }
            } catch (InterruptedException stop) {
                // the stage ended
            }
        }, "orrery-progress");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void stopLiveProgress(Thread live) {
        if (live == null) {
            return;
        }
        live.interrupt();
        try {
            live.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
