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
 * Splits training samples over N workers once per fit: the sample with global index i goes to worker i mod N
 * ({@link WorkerPartitioner}), in index order. Each input partition packs its samples into per-worker
 * {@link SampleBlock}s, checked against the model on the way, and only the blocks are shuffled.
 */
public final class WorkerSplit {

    /** Samples per block: large enough that the shuffle moves big arrays, small enough to spill gracefully. */
    static final int BLOCK_SAMPLES = 4096;

    private final JavaRDD<SampleBlock> blocks;
    private final long[] sizes;

    private WorkerSplit(JavaRDD<SampleBlock> blocks, long[] sizes) {
        this.blocks = blocks;
        this.sizes = sizes;
    }

    /**
     * Runs the split (two small jobs and one shuffle) and caches the result; an invalid sample fails here, before
     * any training stage starts.
     *
     * @throws io.orrery.spark.data.InvalidInputException (from a task) if a sample does not fit the model
     */
    public static WorkerSplit of(JavaRDD<Sample> train, int workers, SampleChecker checker) {
        List<Long> counts = train.mapPartitions(it -> {
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
        long[] sizes = new long[workers];
        for (int w = 0; w < workers; w++) {
            sizes[w] = countInRange(0, total, w, workers);
        }
        int width = Math.toIntExact(checker.inputWidth());
        JavaRDD<Tuple2<Long, SampleBlock>> keyed = train.mapPartitionsWithIndex(
                (p, samples) -> pack(samples, p, starts[p], counts.get(p), workers, width, checker).iterator(), false);
        // Shuffled even for one worker: a barrier stage cannot follow a coalesce.
        JavaRDD<SampleBlock> split = JavaPairRDD.fromJavaRDD(keyed).partitionBy(new WorkerPartitioner(workers)).values();
        split.persist(StorageLevel.MEMORY_AND_DISK());
        split.count();
        return new WorkerSplit(split, sizes);
    }

    /** The cached blocks, partition w holding worker w's. */
    public JavaRDD<SampleBlock> blocks() {
        return blocks;
    }

    /** Samples per worker. */
    public long size(int worker) {
        return sizes[worker];
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

    /** How many i in [from, from + n) have i mod workers == worker. */
    static long countInRange(long from, long n, int worker, int workers) {
        return Math.floorDiv(from + n - 1 - worker, workers) - Math.floorDiv(from - 1 - worker, workers);
    }

    private static List<Tuple2<Long, SampleBlock>> pack(Iterator<Sample> samples, int partition, long start,
                                                        long expected, int workers, int width, SampleChecker checker) {
        long[] remaining = new long[workers];
        for (int w = 0; w < workers; w++) {
            remaining[w] = countInRange(start, expected, w, workers);
        }
        float[][] x = new float[workers][];
        float[][] y = new float[workers][];
        int[] filled = new int[workers];
        int[] blockIndex = new int[workers];
        List<Tuple2<Long, SampleBlock>> out = new ArrayList<>();
        long index = start;
        for (; samples.hasNext(); index++) {
            Sample s = checker.check(samples.next(), index);
            int w = (int) (index % workers);
            if (remaining[w] == 0) {
                throw new IllegalStateException("Input partition " + partition + " yielded more samples than when it "
                        + "was counted (" + expected + "): the input RDD is not deterministic. Cache it (persist) "
                        + "before fit so that every pass sees the same samples.");
            }
            if (x[w] == null) {
                int n = (int) Math.min(BLOCK_SAMPLES, remaining[w]);
                x[w] = new float[n * width];
                y[w] = new float[n];
            }
            System.arraycopy(s.features(), 0, x[w], filled[w] * width, width);
            y[w][filled[w]] = s.label();
            filled[w]++;
            remaining[w]--;
            if (filled[w] == y[w].length) {
                long order = ((long) partition << 32) | blockIndex[w]++;
                out.add(new Tuple2<>((long) w, new SampleBlock(order, width, filled[w], x[w], y[w])));
                x[w] = null;
                y[w] = null;
                filled[w] = 0;
            }
        }
        if (index != start + expected) {
            throw new IllegalStateException("Input partition " + partition + " yielded " + (index - start)
                    + " samples, " + expected + " when it was counted: the input RDD is not deterministic. Cache it"
                    + " (persist) before fit so that every pass sees the same samples.");
        }
        return out;
    }
}
