package io.orrery.ps.client;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TopKTest {

    @Test
    void kthLargestMatchesSorting() {
        Random random = new Random(3);
        for (int trial = 0; trial < 500; trial++) {
            int n = 1 + random.nextInt(300);
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(4) == 0 ? 0.25f : random.nextFloat();
            }
            int k = 1 + random.nextInt(n);
            float[] sorted = values.clone();
            Arrays.sort(sorted);
            assertEquals(sorted[n - k], TopK.kthLargest(values.clone(), n, k), "n=" + n + " k=" + k);
            assertEquals(sorted[n - k], TopK.withHeap(values.clone(), n, k), "heap n=" + n + " k=" + k);
            assertEquals(sorted[n - k], TopK.quickselect(values.clone(), n, k), "quickselect n=" + n + " k=" + k);
        }
    }
}
