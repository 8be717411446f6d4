package io.orrery.ps.server;

import io.orrery.core.optimizers.Optimizer;
import io.orrery.core.optimizers.OptimizerState;
import io.orrery.core.optimizers.RangedStep;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.transport.NativeFloats;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One shard's slice of the model: its parameters, its own optimizer state, the version they are at, and their
 * checkpoints. Only the shard agent's thread changes it.
 */
final class ShardModel {

    private static final Logger LOG = LoggerFactory.getLogger(ShardModel.class);

    private final ParameterServerConfig config;
    private final int shard;
    private final ShardLayout layout;
    private final Optimizer optimizer;
    private final OptimizerState state;
    private final INDArray params;
    private final UnsafeBuffer paramsBuffer = new UnsafeBuffer(0, 0);
    private final CheckpointStore checkpoints;
    private long version;
    /** Set when an update made the parameters non-finite: nothing is published or checkpointed any more. */
    private volatile boolean poisoned;

    /**
     * @param initialState the shard's optimizer state, or null for a fresh one
     * @param checkpoints where checkpoints go, or null for none
     */
    ShardModel(ParameterServerConfig config, int shard, ShardLayout layout, INDArray initialParams,
               OptimizerState initialState, long initialVersion, CheckpointStore checkpoints) {
        this.config = config;
        this.shard = shard;
        this.layout = layout;
        this.optimizer = config.optimizer();
        this.params = initialParams.dup();
        NativeFloats.wrap(params, paramsBuffer, "shard parameters");
        this.state = initialState != null ? initialState : optimizer.newState(layout.shardLength(shard), DataType.FLOAT);
        this.version = initialVersion;
        this.checkpoints = checkpoints;
    }

    /** Applies the optimizer to the whole shard with {@code gradient}; the version moves on by one. */
    void apply(INDArray gradient) {
        optimizer.apply(params, gradient, state);
        version++;
    }

    /**
     * The update by ranges of the shard, {@code lengths[r]} values from {@code offsets[r]}, with gradients read from
     * {@code gradient}; call {@link #advance()} once all ranges are applied.
     */
    RangedStep rangedStep(INDArray gradient, int[] offsets, int[] lengths) {
        return new RangedStep(optimizer, params, gradient, state, offsets, lengths);
    }

    /** A ranged step has been applied in full: the version moves on by one. */
    void advance() {
        version++;
    }

    long version() {
        return version;
    }

    /** Whether parameters {@code [from, to)} of the shard are finite. */
    boolean parametersFinite(int from, int to) {
        return from >= to || NativeFloats.allFinite(paramsBuffer, from, to);
    }

    /**
     * The optimizer made the parameters non-finite although the gradient was finite (an optimizer overflow, e.g. a
     * learning rate far too large). The update cannot be undone, so the shard stops publishing and checkpointing:
     * workers see the step fail, and the last checkpoint stays the newest good state to resume from.
     */
    void poison() {
        poisoned = true;
    }

    boolean poisoned() {
        return poisoned;
    }

    /** The parameters as float32 values over native memory (read by the publisher). */
    UnsafeBuffer parametersBuffer() {
        return paramsBuffer;
    }

    INDArray parameters() {
        return params;
    }

    OptimizerState optimizerState() {
        return state;
    }

    /** Writes a checkpoint when the configured interval says so; a failure is logged, and training goes on. */
    void checkpointIfDue() {
        if (checkpoints != null && !poisoned && config.checkpointEvery() > 0 && version % config.checkpointEvery() == 0) {
            try {
                writeCheckpoint();
            } catch (IOException e) {
                LOG.error("checkpoint failed: shard={} version={} dir={} error={}", shard, version,
                        config.checkpointDirectory(), e.toString());
            }
        }
    }

    /** Writes a checkpoint of the current version. */
    Path writeCheckpoint() throws IOException {
        if (checkpoints == null) {
            throw new IllegalStateException("checkpoint requested but no checkpoint directory is configured;"
                    + " set ParameterServerConfig.builder().checkpoints(dir, every)");
        }
        return checkpoints.write(config.jobId(), shard, layout.shardCount(), layout.modelLength(),
                layout.shardOffset(shard), version, optimizer.name(), params, state);
    }
}
