package io.orrery.core.optimizers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulesTest {

    private static final double EPS = 1e-15;

    @Test
    void constantIsConstant() {
        LearningRateSchedule lr = new ConstantLearningRate(0.01);
        assertEquals(0.01, lr.valueAt(0));
        assertEquals(0.01, lr.valueAt(1_000_000));
    }

    @Test
    void exponentialDecayMatchesKeras() {
        ExponentialDecay smooth = new ExponentialDecay(0.1, 10, 0.5);
        assertEquals(0.1, smooth.valueAt(0), EPS);
        assertEquals(0.1 * Math.sqrt(0.5), smooth.valueAt(5), EPS);
        assertEquals(0.05, smooth.valueAt(10), EPS);
        assertEquals(0.1 * Math.pow(0.5, 1.5), smooth.valueAt(15), EPS);
        ExponentialDecay stairs = new ExponentialDecay(0.1, 10, 0.5, true);
        assertEquals(0.1, stairs.valueAt(9), EPS);
        assertEquals(0.05, stairs.valueAt(10), EPS);
        assertEquals(0.05, stairs.valueAt(19), EPS);
        assertEquals(0.025, stairs.valueAt(20), EPS);
    }

    @Test
    void cosineDecayMatchesKeras() {
        CosineDecay cosine = new CosineDecay(0.1, 100);
        assertEquals(0.1, cosine.valueAt(0), EPS);
        assertEquals(0.05, cosine.valueAt(50), EPS);
        assertEquals(0.1 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), cosine.valueAt(25), EPS);
        assertEquals(0.0, cosine.valueAt(100), EPS);
        assertEquals(0.0, cosine.valueAt(500), EPS);  // held at the end, not periodic
        CosineDecay floor = new CosineDecay(0.1, 100, 0.1);
        assertEquals(0.01, floor.valueAt(100), EPS);
        assertEquals(0.1 * (0.9 * 0.5 + 0.1), floor.valueAt(50), EPS);
    }

    @Test
    void cosineDecayWarmsUpToTargetThenDecaysFromIt() {
        CosineDecay warm = new CosineDecay(0.0, 100, 0.0, 0.1, 10);
        assertEquals(0.0, warm.valueAt(0), EPS);
        assertEquals(0.05, warm.valueAt(5), EPS);
        assertEquals(0.1, warm.valueAt(10), EPS);
        assertEquals(0.05, warm.valueAt(60), EPS);
        assertEquals(0.0, warm.valueAt(110), EPS);
        assertEquals(0.0, warm.valueAt(1000), EPS);
    }

    @Test
    void linearWarmupRampsToTheScheduleThenFollowsIt() {
        LinearWarmup warm = new LinearWarmup(new ExponentialDecay(0.1, 10, 0.5), 4);
        assertEquals(0.0, warm.valueAt(0), EPS);
        assertEquals(0.05, warm.valueAt(2), EPS);
        assertEquals(0.075, warm.valueAt(3), EPS);
        assertEquals(0.1, warm.valueAt(4), EPS);
        assertEquals(0.05, warm.valueAt(14), EPS);
        LinearWarmup fromValue = new LinearWarmup(new ConstantLearningRate(1.0), 10, 0.5);
        assertEquals(0.5, fromValue.valueAt(0), EPS);
        assertEquals(0.75, fromValue.valueAt(5), EPS);
        assertEquals(1.0, fromValue.valueAt(10), EPS);
    }

    @Test
    void everyScheduleRoundTripsThroughItsConfig() {
        List<LearningRateSchedule> schedules = List.of(
                new ConstantLearningRate(0.3),
                new ExponentialDecay(0.1, 7, 0.9, true),
                new CosineDecay(0.1, 50, 0.2),
                new CosineDecay(0.0, 50, 0.0, 0.2, 5),
                new LinearWarmup(new CosineDecay(0.1, 50), 5, 0.01));
        for (LearningRateSchedule schedule : schedules) {
            LearningRateSchedule rebuilt = Schedules.fromConfig(schedule.getConfig());
            assertEquals(schedule.getClass(), rebuilt.getClass());
            assertEquals(schedule.getConfig(), rebuilt.getConfig());
            for (long t = 0; t < 70; t += 3) {
                assertEquals(schedule.valueAt(t), rebuilt.valueAt(t), "step " + t + " of " + schedule.getConfig());
            }
        }
        assertEquals(0.25, Schedules.fromConfig(0.25).valueAt(9));
    }

    @Test
    void optimizerUsesTheRateOfTheStepItIsOn() {
        // SGD with a decaying rate: step t (0-based) uses valueAt(t), as Keras evaluates lr(iterations)
        SGD sgd = new SGD(new ExponentialDecay(1.0, 1, 0.5), 0.0, false);
        INDArray w = Nd4j.zeros(DataType.DOUBLE, 1);
        OptimizerState state = sgd.newState(1, DataType.DOUBLE);
        INDArray g = Nd4j.ones(DataType.DOUBLE, 1);
        sgd.apply(w, g, state);
        sgd.apply(w, g, state);
        sgd.apply(w, g, state);
        assertEquals(-(1.0 + 0.5 + 0.25), w.getDouble(0), EPS);
    }

    @Test
    void badSchedulesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ExponentialDecay(0.1, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialDecay(-0.1, 10, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new CosineDecay(0.1, 10, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new CosineDecay(0.1, -1));
        assertThrows(IllegalArgumentException.class, () -> new LinearWarmup(null, 10));
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> Schedules.fromConfig(Map.of("class_name", "PolynomialDecay", "config", Map.of()))).getMessage();
        assertTrue(unknown.contains("PolynomialDecay") && unknown.contains("CosineDecay"), unknown);
        String missing = assertThrows(IllegalArgumentException.class,
                () -> Schedules.fromConfig(Map.of("class_name", "ExponentialDecay", "config", Map.of("decay_steps", 10)))).getMessage();
        assertTrue(missing.contains("initial_learning_rate"), missing);
        String fractional = assertThrows(IllegalArgumentException.class, () -> Schedules.fromConfig(Map.of("class_name",
                "ExponentialDecay", "config", Map.of("initial_learning_rate", 0.1, "decay_steps", 2.5, "decay_rate", 0.5)))).getMessage();
        assertTrue(fractional.contains("whole number"), fractional);
    }
}
