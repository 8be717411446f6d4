package io.orrery.spark;

import io.orrery.spark.data.PartitionBuffer;
import io.orrery.spark.data.Sample;
import io.orrery.spark.data.SampleChecker;
import io.orrery.spark.exec.WorkerSplit;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerSplitTest {

    @Test
    void sharesAreContiguousAndCoverEverySampleOnce() {
        for (int workers = 1; workers <= 7; workers++) {
            for (long n : new long[]{0, 1, 6, 7, 100, 60_001}) {
                long previous = 0;
                for (int w = 0; w < workers; w++) {
                    assertEquals(previous, WorkerSplit.shareStart(w, n, workers));
                    long end = WorkerSplit.shareStart(w + 1, n, workers);
                    assertTrue(end - previous <= n / workers + 1 && end - previous >= n / workers);
                    for (long i = previous; i < end; i++) {
                        assertEquals(w, WorkerSplit.workerOf(i, n, workers), "i=" + i + " n=" + n + " N=" + workers);
                    }
                    previous = end;
                }
                assertEquals(n, previous);
            }
        }
    }

    /** Each worker's data, as the training task joins it, for an input with {@code partitions} partitions. */
    private static List<float[]> labelsPerWorker(JavaSparkContext sc, List<Sample> data, int partitions, int workers,
                                                 boolean expectShuffle) {
        WorkerSplit split = WorkerSplit.of(sc.parallelize(data, partitions), workers, new SampleChecker(3, 1000));
        try {
            assertEquals(expectShuffle, split.shuffled());
            return split.blocks().mapPartitions(blocks -> {
                PartitionBuffer buffer = PartitionBuffer.ofBlocks(blocks, 3);
                int[] order = new int[buffer.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                float[] x = new float[order.length * 3];
                float[] y = new float[order.length];
                buffer.gather(order, 0, order.length, x, y);
                return List.of(y).iterator();
            }).collect();
        } finally {
            split.unpersist();
        }
    }

    @Test
    void alignedInputStaysInPlaceAndOtherInputIsShuffledToTheSameShares() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.local().sparkContext());
        List<Sample> data = new ArrayList<>();
        for (int i = 0; i < 9001; i++) {   // more than two blocks per share
            data.add(new Sample(new float[]{i, -i, 0.5f}, i % 1000));
        }
        List<float[]> inPlace = labelsPerWorker(sc, data, 2, 2, false);
        List<float[]> shuffled = labelsPerWorker(sc, data, 5, 2, true);
        for (List<float[]> perWorker : List.of(inPlace, shuffled)) {
            assertEquals(2, perWorker.size());
            for (int w = 0; w < 2; w++) {
                long from = WorkerSplit.shareStart(w, data.size(), 2);
                long to = WorkerSplit.shareStart(w + 1, data.size(), 2);
                float[] expected = new float[(int) (to - from)];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = (from + i) % 1000;
                }
                assertArrayEquals(expected, perWorker.get(w));
            }
        }
        assertFalse(labelsPerWorker(sc, data, 1, 1, false).isEmpty());
    }
}
