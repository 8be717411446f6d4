package io.orrery.spark.exec;

import java.util.Arrays;

/**
 * Each step's exchange time in a task, summarised for the executor's log: a mean alone cannot tell steady slowness
 * (every step waits a little longer) from stalls (a few steps wait a long time), and the two have different causes.
 */
final class StepTimes {

    private final long[] nanos;
    private int count;

    StepTimes(int steps) {
        nanos = new long[Math.max(0, steps)];
    }

    void add(long ns) {
        if (count < nanos.length) {
            nanos[count++] = ns;
        }
    }

    /**
     * E.g. {@code steps=234 p50=9.8ms p90=14.1ms p99=40.2ms max=210.5ms (step 3) over 50ms: 4 steps, 0.6s}; the steps
     * are numbered from the task's first.
     */
    String summary() {
        if (count == 0) {
            return "steps=0";
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int slowest = 0;
        long over = 0;
        int overCount = 0;
        for (int i = 0; i < count; i++) {
            slowest = nanos[i] > nanos[slowest] ? i : slowest;
            if (nanos[i] > SLOW_NS) {
                overCount++;
                over += nanos[i];
            }
        }
        return String.format("steps=%d p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms (step %d) over %dms: %d steps, %.1fs",
                count, ms(sorted, 0.5), ms(sorted, 0.9), ms(sorted, 0.99), nanos[slowest] / 1e6, slowest,
                SLOW_NS / 1_000_000, overCount, over / 1e9);
    }

    private static final long SLOW_NS = 50_000_000;

    private double ms(long[] sorted, double quantile) {
        return sorted[Math.min(count - 1, (int) Math.floor(quantile * count))] / 1e6;
    }
}
