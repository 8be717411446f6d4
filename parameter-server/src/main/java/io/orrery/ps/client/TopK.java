package io.orrery.ps.client;

/** Selection of the k-th largest value in place (quickselect), for top-k sparse gradients without a full sort. */
final class TopK {

    private TopK() {
    }

    /** The k-th largest of {@code values[0..length)} (k = 1 is the maximum); reorders the array. */
    static float kthLargest(float[] values, int length, int k) {
        if (k < 1 || k > length) {
            throw new IllegalArgumentException("k must be in 1.." + length + ", found " + k);
        }
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
