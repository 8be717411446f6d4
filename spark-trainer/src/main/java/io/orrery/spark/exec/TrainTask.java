package io.orrery.spark.exec;

import io.orrery.spark.ModelSpec;
import io.orrery.spark.ReplicableModel;
import io.orrery.spark.data.PartitionBuffer;
import io.orrery.spark.data.SampleBlock;
import io.orrery.spark.data.SampleChecker;
import io.orrery.spark.exchange.ExchangeFactory;
import io.orrery.spark.exchange.GradientExchange;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One worker of a training stage (a barrier task): binds its GPU, rebuilds the model from its spec with the current
 * parameters, then for each step gathers its next per-worker batch in the epoch's shuffled order, computes the
 * batch-mean gradient and exchanges it for the next parameters.
 */
public final class TrainTask extends AbstractFunction1<Iterator<SampleBlock>, Iterator<TaskReport>> implements Serializable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainTask.class);

    private static final long serialVersionUID = 1L;

    private final ModelSpec spec;
    private final SampleChecker checker;
    private final Broadcast<float[]> parameters;
    private final Broadcast<byte[]> optimizerState;
    private final ExchangeFactory exchange;
    private final StagePlan plan;
    /** The driver's non-trainable state at the start of the stage; null for models without it. */
    private Broadcast<float[]> nonTrainable;

    public TrainTask(ModelSpec spec, SampleChecker checker, Broadcast<float[]> parameters,
                     Broadcast<byte[]> optimizerState, ExchangeFactory exchange, StagePlan plan) {
        this.spec = spec;
        this.checker = checker;
        this.parameters = parameters;
        this.optimizerState = optimizerState;
        this.exchange = exchange;
        this.plan = plan;
    }

    /**
     * Starts every replica from this non-trainable state (the workers' average after the previous epoch, see
     * docs/spark-trainer.md) instead of the spec's initial one.
     *
     * @param state the driver's {@code nonTrainableParameters()}, or null for a model without any
     * @return this task
     */
    public TrainTask startingNonTrainable(Broadcast<float[]> state) {
        this.nonTrainable = state;
        return this;
    }

    @Override
    public Iterator<TaskReport> apply(Iterator<SampleBlock> blocks) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int worker = context.partitionId();
        String gpu = GpuBinding.bindCurrentTask();
        NativeThreads.shareBetween(plan.tasksPerJvm(), plan.serverInJvm());
        PartitionBuffer data = PartitionBuffer.ofBlocks(JavaConverters.asJavaIterator(blocks), checker.inputWidth());
        ReplicableModel replica = spec.build();
        // Null when the exchange is a parameter server: the task takes the parameters from it when it joins.
        if (parameters != null) {
            replica.parameters().assign(Nd4j.createFromArray(parameters.value()));
        }
        // Moving statistics are per replica: never exchanged during the stage, averaged by the driver after it.
        INDArray state = replica.nonTrainableParameters();
        if (state != null && nonTrainable != null && nonTrainable.value() != null) {
            state.assign(Nd4j.createFromArray(nonTrainable.value()));
        }
        if (optimizerState != null && optimizerState.value() != null) {
            replica.restoreOptimizerState(optimizerState.value());
        }
        int batch = plan.workerBatch();
        TrainingBatch xy = new TrainingBatch(batch, data.width());
        double lossSum = 0;
        int done = 0;
        long computeNs = 0;
        long exchangeNs = 0;
        long started = System.nanoTime();
        long firstStep;
        ExchangeCounters counters;
        float[] hostedParameters;
        byte[] hostedState;
        try (GradientExchange gradients = exchange.open(context, replica)) {
            firstStep = gradients.join(plan.firstStep());
            // After a retried stage the server may be ahead: skip the steps it has already applied. In SYNC that is
            // its version; in ASYNC and BOUNDED the steps this worker id sent before (the lost attempt's), whose
            // numbers the server would drop as late and whose batches are applied already.
            int skip = (int) Math.min(Math.max(firstStep - plan.firstStep(), 0), plan.stepsPerEpoch());
            int[] order = EpochOrder.permutation(data.size(), plan.seed(), plan.epoch(), worker);
            StepTimes exchangeTimes = new StepTimes(plan.stepsPerEpoch() - skip);
            for (int s = skip; s < plan.stepsPerEpoch(); s++) {
                xy.fill(data, order, s * batch);
                long t0 = System.nanoTime();
                lossSum += replica.computeGradients(xy.features(), xy.labels());
                long t1 = System.nanoTime();
                gradients.exchange(plan.firstStep() + s);
                long t2 = System.nanoTime();
                computeNs += t1 - t0;
                exchangeNs += t2 - t1;
                exchangeTimes.add(t2 - t1);
                done++;
            }
            counters = ExchangeCounters.of(gradients);
            LOG.info("exchange per step: epoch={} worker={} {}", plan.epoch() + 1, worker, exchangeTimes.summary());
            // With colocated shards every task reports the slice its shard holds (null otherwise).
            hostedParameters = gradients.hostedParameters();
            hostedState = hostedParameters == null ? null : gradients.hostedOptimizerState();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        boolean reporter = worker == 0 && plan.reportState();
        TaskReport report = new TaskReport(worker, context.stageAttemptNumber(), executorId(), gpu, firstStep, done,
                lossSum, seconds, computeNs / 1e9, exchangeNs / 1e9, counters.sendNanos() / 1e9,
                counters.waitNanos() / 1e9, counters.bytesSent(), counters.bytesReceived(),
                new HashMap<>(replica.trainingMetrics()),
                hostedParameters != null ? hostedParameters : reporter ? replica.parameters().toFloatVector() : null,
                hostedParameters != null ? hostedState : reporter ? replica.optimizerState() : null,
                state == null ? null : state.toFloatVector());
        return JavaConverters.asScalaIterator(List.of(report).iterator());
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "unknown" : env.executorId();
    }
}
