package io.orrery.core.callbacks;

import io.orrery.core.models.Sequential;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.orrery.core.callbacks.CallbackTestData.X;
import static io.orrery.core.callbacks.CallbackTestData.Y;
import static io.orrery.core.callbacks.CallbackTestData.model;
import static io.orrery.core.callbacks.CallbackTestData.quiet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningRateSchedulerTest {

    /** Records the optimizer's learning rate during each epoch. */
    private static final class RateRecorder extends Callback {
        final List<Double> rates = new ArrayList<>();

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            rates.add(model.optimizer().learningRate(model.optimizerState().iterations()));
        }
    }

    @Test
    void setsTheOptimizersRateEachEpoch() {
        Sequential model = model("sgd");
        RateRecorder recorder = new RateRecorder();
        List<Double> seenCurrent = new ArrayList<>();
        LearningRateScheduler scheduler = new LearningRateScheduler((epoch, lr) -> {
            seenCurrent.add(lr);
            return epoch == 0 ? 0.1 : lr / 2;
        });
        model.fit(X, Y, quiet(3).callbacks(scheduler, recorder));
        assertEquals(List.of(0.1, 0.05, 0.025), recorder.rates);
        assertEquals(List.of(0.01, 0.1, 0.05), seenCurrent, "the schedule sees the current rate (SGD's default 0.01 first)");
    }

    @Test
    void theScheduledRateIsTheOneTheUpdateUses() {
        Sequential model = model("sgd");
        model.computeGradients(X, Y);
        INDArray before = model.parameters().dup();
        INDArray gradient = model.gradients().dup();
        // one batch holding all 96 samples: one plain SGD step, params -= 0.5 * gradient
        model.fit(X, Y, quiet(1).batchSize(96).shuffle(false).callbacks(new LearningRateScheduler((epoch, lr) -> 0.5)));
        INDArray expected = before.sub(gradient.mul(0.5));
        assertArrayEquals(expected.toFloatVector(), model.parameters().toFloatVector(), 1e-6f);
    }

    @Test
    void aScheduleReturningNoPositiveRateIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model("sgd").fit(X, Y, quiet(1).callbacks(new LearningRateScheduler((epoch, lr) -> -1.0))));
        assertTrue(e.getMessage().contains("-1.0") && e.getMessage().contains("epoch 0"), e.getMessage());
    }
}
