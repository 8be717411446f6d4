package io.orrery.spark.exec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StepTimesTest {

    @Test
    void summaryTellsStallsFromSteadySteps() {
        StepTimes times = new StepTimes(100);
        for (int s = 0; s < 100; s++) {
            times.add(s == 42 ? 250_000_000L : s == 7 ? 60_000_000L : 10_000_000L);
        }
        assertEquals("steps=100 p50=10.0ms p90=10.0ms p99=250.0ms max=250.0ms (step 42) over 50ms: 2 steps, 0.3s",
                times.summary());
    }

    @Test
    void anEmptyTaskSaysSo() {
        assertEquals("steps=0", new StepTimes(0).summary());
    }
}
