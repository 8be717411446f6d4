package io.orrery.ps.client;

/**
 * The k-th largest value, for top-k sparse gradients without a full sort: a min-heap of the k largest for small k
 * (one well-predicted comparison per value once the heap is full), quickselect otherwise. The reference model's
 * chunks ask for k = 21 of 2,016 values; quickselect's unpredictable branches made that 4 ms per step
 * (docs/benchmarks.md).
 */
final class TopK {

    /** Up to this k the heap is used. */
    static final int HEAP_MAX_K = 128;
    /** The heap's storage, per thread: no allocation per chunk. */
    private static final ThreadLocal<float[]> HEAP = ThreadLocal.withInitial(() -> new float[HEAP_MAX_K]);

    private TopK() {
    }

    /** The k-th largest of {@code values[0..length)} (k = 1 is the maximum); may reorder the array. */
    static float kthLargest(float[] values, int length, int k) {
        if (k < 1 || k > length) {
            throw new IllegalArgumentException("k must be in 1.." + length + ", found " + k);
        }
        return k <= HEAP_MAX_K ? withHeap(values, length, k) : quickselect(values, length, k);
    }

    /** Keeps the k largest seen so far in a min-heap; its root is the answer. Leaves {@code values} unchanged. */
    static float withHeap(float[] values, int length, int k) {
        float[] heap = k <= HEAP_MAX_K ? HEAP.get() : new float[k];
        System.arraycopy(values, 0, heap, 0, k);
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDown(heap, i, k);
        }
        float min = heap[0];
        for (int i = k; i < length; i++) {
            float v = values[i];
            if (v > min) {
                heap[0] = v;
                siftDown(heap, 0, k);
                min = heap[0];
            }
        }
        return min;
    }

    private static void siftDown(float[] heap, int at, int size) {
        float v = heap[at];
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= v) {
                break;
            }
            heap[at] = heap[child];
            at = child;
        }
        heap[at] = v;
    }

    /** Quickselect; reorders the array. */
    static float quickselect(float[] values, int length, int k) {
        int target = length - k; // index in ascending order
        int lo = 0;
        int hi = length - 1;
        while (lo < hi) {
            float pivot = values[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float tmp = values[i];
                    values[i] = values[j];
                    values[j] = tmp;
                    i++;
                    j--;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return values[target];
            }
        }
        return values[target];
    }
}
