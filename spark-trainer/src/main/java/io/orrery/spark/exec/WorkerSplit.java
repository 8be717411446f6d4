package io.orrery.spark.exec;

import io.orrery.spark.data.Sample;
import io.orrery.spark.data.SampleBlock;
import io.orrery.spark.data.SampleChecker;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Splits training samples over N workers once per fit: worker w takes the contiguous share of global indices
 * {@code [w * n / N, (w + 1) * n / N)} in index order (the slices {@code parallelize(data, N)} makes). When the input
 * already has exactly those N partitions (a parallelized list, or data read in N even slices), nothing moves: each
 * partition is packed where it is. Otherwise each input partition packs its samples into per-worker
 * {@link SampleBlock}s and only the blocks are shuffled. Either way every sample is checked against the model here.
 */
public final class WorkerSplit {

    /** Samples per block: large enough that a shuffle moves big arrays, small enough to spill gracefully. */
    static final int BLOCK_SAMPLES = 4096;

    private final JavaRDD<SampleBlock> blocks;
    private final long[] sizes;
    private final boolean shuffled;

    private WorkerSplit(JavaRDD<SampleBlock> blocks, long[] sizes, boolean shuffled) {
        this.blocks = blocks;
        this.sizes = sizes;
        this.shuffled = shuffled;
    }

    /** As {@link #of(JavaRDD, int, SampleChecker, ExecutorWarmup)}, warming nothing. */
    public static WorkerSplit of(JavaRDD<Sample> train, int workers, SampleChecker checker) {
        return of(train, workers, checker, ExecutorWarmup.NONE);
    }

    /**
     * Runs the split (a count per partition, then the packing) and caches the result; an invalid sample fails here,
     * before any training stage starts.
     *
     * @param warmup what the executors start in the background while they split (see {@link ExecutorWarmup})
     * @throws io.orrery.spark.data.InvalidInputException (from a task) if a sample does not fit the model
     */
    public static WorkerSplit of(JavaRDD<Sample> train, int workers, SampleChecker checker, ExecutorWarmup warmup) {
        List<Long> counts = train.mapPartitions(it -> {
            warmup.begin();
            long n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return List.of(n).iterator();
        }).collect();
        long[] starts = new long[counts.size()];
        long total = 0;
        for (int p = 0; p < starts.length; p++) {
            starts[p] = total;
            total += counts.get(p);
        }
        long n = total;
        long[] sizes = new long[workers];
        boolean aligned = starts.length == workers;
        for (int w = 0; w < workers; w++) {
            sizes[w] = shareStart(w + 1, n, workers) - shareStart(w, n, workers);
            aligned = aligned && starts[w] == shareStart(w, n, workers);
        }
        int width = Math.toIntExact(checker.inputWidth());
        JavaRDD<Tuple2<Long, SampleBlock>> keyed = train.mapPartitionsWithIndex(
                (p, samples) -> pack(samples, p, starts[p], counts.get(p), n, workers, width, checker).iterator(),
                false);
        // Aligned input keeps its partitions (partition p holds worker p's share); a barrier stage may follow that
        // narrow step, though not a coalesce, so other inputs go through a shuffle even for one worker.
        JavaRDD<SampleBlock> split = aligned ? keyed.map(Tuple2::_2)
                : JavaPairRDD.fromJavaRDD(keyed).partitionBy(new WorkerPartitioner(workers)).values();
        split.persist(StorageLevel.MEMORY_AND_DISK());
        split.count();
        return new WorkerSplit(split, sizes, !aligned);
    }

    /** The cached blocks, partition w holding worker w's. */
    public JavaRDD<SampleBlock> blocks() {
        return blocks;
    }

    /** Whether the split moved data between partitions (the input was not already in N even slices). */
    public boolean shuffled() {
        return shuffled;
    }

    public long smallest() {
        long min = Long.MAX_VALUE;
        for (long s : sizes) {
            min = Math.min(min, s);
        }
        return sizes.length == 0 ? 0 : min;
    }

    public void unpersist() {
        blocks.unpersist(false);
    }

    /** First global index of worker {@code w}'s share of {@code n} samples. */
    public static long shareStart(int w, long n, int workers) {
        return Math.multiplyExact(w, n) / workers;
    }

    /** The worker whose share holds global index {@code index} of {@code n} samples. */
    public static int workerOf(long index, long n, int workers) {
        int w = (int) Math.min(workers - 1, (index + 1) * workers / Math.max(n, 1));
        while (w > 0 && shareStart(w, n, workers) > index) {
            w--;
        }
        while (w + 1 < workers && shareStart(w + 1, n, workers) <= index) {
            w++;
        }
        return w;
    }

    private static List<Tuple2<Long, SampleBlock>> pack(Iterator<Sample> samples, int partition, long start,
                                                        long expected, long n, int workers, int width,
                                                        SampleChecker checker) {
        List<Tuple2<Long, SampleBlock>> out = new ArrayList<>();
        long end = start + expected;
        int w = expected == 0 ? 0 : workerOf(start, n, workers);
        long shareEnd = shareStart(w + 1, n, workers);
        float[] x = null;
        float[] y = null;
        int filled = 0;
        int blockIndex = 0;
        long index = start;
        for (; samples.hasNext(); index++) {
            Sample s = checker.check(samples.next(), index);
            if (index >= end) {
                throw notDeterministic(partition, expected, "more");
            }
            while (index >= shareEnd) {
                w++;
                shareEnd = shareStart(w + 1, n, workers);
            }
            if (x == null) {
                int size = (int) Math.min(BLOCK_SAMPLES, Math.min(shareEnd, end) - index);
                x = new float[size * width];
                y = new float[size];
            }
            System.arraycopy(s.features(), 0, x, filled * width, width);
            y[filled] = s.label();
            filled++;
            if (filled == y.length) {
                long order = ((long) partition << 32) | blockIndex++;
                out.add(new Tuple2<>((long) w, new SampleBlock(order, width, filled, x, y)));
                x = null;
                y = null;
                filled = 0;
            }
        }
        if (index != end) {
            throw notDeterministic(partition, expected, "fewer");
        }
        return out;
    }

    private static IllegalStateException notDeterministic(int partition, long expected, String moreOrFewer) {
        return new IllegalStateException("Input partition " + partition + " yielded " + moreOrFewer + " samples than"
                + " when it was counted (" + expected + "): the input RDD is not deterministic. Cache it (persist) "
                + "before fit so that every pass sees the same samples.");
    }
}
