package io.orrery.ps.server;

import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.sbe.GradientChunkDecoder;
import io.orrery.ps.transport.NativeFloats;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * ASYNC and BOUNDED: one accumulator per worker. A worker's complete gradient of a step, scaled by 1/N, is applied
 * on arrival (Downpour-style) and the new version broadcast; its staleness (versions between the one it was
 * computed on and the one it is applied to) is counted. The staleness bound is kept by the workers' wait.
 */
final class AsyncAggregator extends Aggregator {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncAggregator.class);

    private final INDArray[] accumulators;
    private final UnsafeBuffer[] accBuffers;
    private final boolean[] received;
    private final long[] workerStep;
    private final int[] workerChunks;

    AsyncAggregator(ParameterServerConfig config, int shard, ShardLayout layout, ShardModel model,
                    ShardPublisher publisher, WorkerRegistry registry, ServerStats stats) {
        super(config, shard, layout, model, publisher, registry, stats);
        this.accumulators = new INDArray[workers];
        this.accBuffers = new UnsafeBuffer[workers];
        for (int i = 0; i < workers; i++) {
            accumulators[i] = Nd4j.zeros(DataType.FLOAT, layout.shardLength(shard));
            accBuffers[i] = NativeFloats.wrap(accumulators[i], new UnsafeBuffer(0, 0), "accumulator");
        }
        this.received = new boolean[workers * chunkCount];
        this.workerStep = new long[workers];
        this.workerChunks = new int[workers];
        Arrays.fill(workerStep, -1);
    }

    /**
     * A worker's last gradient can still be in this shard's stream when its Leave (control stream, another thread)
     * has been handled; it was sent while a member and carries the job token, so it is applied.
     */
    @Override
    boolean accepts(int worker) {
        return registry.isMember(worker) || registry.hasJoined(worker);
    }

    @Override
    DropReason onChunk(GradientChunkDecoder chunk, DirectBuffer payload, int worker, int index, long step,
                       int chunkLength) {
        if (step < workerStep[worker]) {
            return DropReason.LATE;
        }
        int slot = worker * chunkCount + index;
        if (step == workerStep[worker] && received[slot]) {
            return DropReason.DUPLICATE;
        }
        DropReason bad = ingest.check(chunk.encoding(), payload, chunk.elementCount(), chunkLength);
        if (bad != null) {
            return bad;
        }
        if (step > workerStep[worker]) {
            if (workerChunks[worker] > 0) {
                LOG.warn("shard={} workerId={} abandoned its incomplete gradient of step={} ({} of {} chunks) for step={}",
                        shard, worker, workerStep[worker], workerChunks[worker], chunkCount, step);
                clear(worker);
            }
            workerStep[worker] = step;
            workerChunks[worker] = 0;
        }
        if (workerChunks[worker] == 0) {
            registry.started(worker, step); // a rejoin under this id numbers on past it
        }
        ingest.add(chunk.encoding(), payload, chunk.elementCount(), accBuffers[worker], layout.chunkOffset(index) * 4);
        received[slot] = true;
        workerChunks[worker]++;
        stats.bytesIn.addAndGet(payload.capacity());
        stats.chunksIn.incrementAndGet();
        if (workerChunks[worker] == chunkCount) {
            registry.pushed(worker, step, System.nanoTime());
            long start = System.nanoTime();
            stats.staleness(model.version() - chunk.baseVersion());
            accumulators[worker].divi(workers);
            long version = model.version();
            // The gradient is one worker's finite values, each chunk over its own range and no sparse index
            // twice: it is finite by construction. The updated parameters are checked.
            if (applyWhole(accumulators[worker])) {
                ContributionLedger.applied(shard, step, worker);
                stepApplied(start);
            } else {
                stats.nonFiniteSteps.incrementAndGet();
                LOG.error("gradient applied, parameters not finite: workerId={} step={} {}", worker, step,
                        poisonedReason(version + 1));
            }
            clear(worker);
            workerChunks[worker] = 0;
            workerStep[worker] = step + 1;
        }
        return null;
    }

    private void clear(int worker) {
        accumulators[worker].assign(0);
        Arrays.fill(received, worker * chunkCount, (worker + 1) * chunkCount, false);
    }
}
