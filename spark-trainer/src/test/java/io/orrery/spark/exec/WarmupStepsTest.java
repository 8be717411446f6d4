package io.orrery.spark.exec;

import io.orrery.core.layers.Dense;
import io.orrery.core.models.Sequential;
import io.orrery.ps.transport.SharedDriver;
import io.orrery.spark.ModelSpec;
import io.orrery.spark.SequentialModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The executors' warm-up steps: a replica of the real spec trains on synthetic batches, each gradient exchanged
 * through a throwaway server, and they stop as soon as a training task starts.
 */
class WarmupStepsTest {

    private static ModelSpec spec() {
        Sequential model = new Sequential(List.of(new Dense(32, "relu"), new Dense(10, "softmax")));
        model.setSeed(3);
        model.build(784);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        return new SequentialModel(model).spec();
    }

    @Test
    void runsStepsThroughAThrowawayServerUntilStopped() {
        AtomicInteger asked = new AtomicInteger();
        int leasesBefore = SharedDriver.references();
        // one look before the server starts, one before each step: "a task started" at the sixth, after 4 steps
        int steps = WarmupSteps.run(spec(), 16, true, () -> asked.incrementAndGet() > 5);
        assertEquals(4, steps);
        assertEquals(leasesBefore, SharedDriver.references(), "the throwaway server released the shared driver");
    }

    @Test
    void stopsAtMaxStepsWithoutAServer() {
        assertEquals(WarmupSteps.MAX_STEPS, WarmupSteps.run(spec(), 8, false, () -> false));
    }

    @Test
    void aTaskAlreadyRunningMeansNoSteps() {
        assertEquals(0, WarmupSteps.run(spec(), 8, true, () -> true));
    }
}
