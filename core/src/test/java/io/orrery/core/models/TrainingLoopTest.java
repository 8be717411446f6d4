package io.orrery.core.models;

import io.orrery.core.callbacks.Callback;
import io.orrery.core.layers.Dense;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one epoch loop with a runner of its own (as a distributed trainer plugs in), and the immutable FitOptions. */
class TrainingLoopTest {

    /** Trains nothing: reports the given per-epoch losses and never calls the batch hooks (as a cluster's runner). */
    private static final class ScriptedRunner implements EpochRunner {

        private final double[] losses;
        final List<Integer> epochsRun = new ArrayList<>();

        ScriptedRunner(double... losses) {
            this.losses = losses;
        }

        @Override
        public int stepsPerEpoch() {
            return 7;
        }

        @Override
        public Map<String, Double> runEpoch(int epoch, BatchListener batches) {
            epochsRun.add(epoch);
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("loss", losses[epoch]);
            logs.put("accuracy", 0.5);
            return logs;
        }

        @Override
        public Map<String, Double> validate() {
            return null;
        }

        @Override
        public Callback progress(int verbose) {
            throw new AssertionError("verbose 0: no progress display expected");
        }
    }

    private static final class Recorder extends Callback {

        final List<String> calls = new ArrayList<>();

        @Override
        public void onTrainBegin() {
            calls.add("trainBegin epochs=" + epochs + " steps=" + steps);
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            calls.add("epochEnd " + epoch + " " + logs.keySet());
        }

        @Override
        public void onTrainEnd(Map<String, Double> logs) {
            calls.add("trainEnd");
        }
    }

    @Test
    void aRunnersEpochsGetCallbacksValidationWithValPrefixAndHistory() {
        ScriptedRunner runner = new ScriptedRunner(0.9, 0.7, 0.5);
        Recorder recorder = new Recorder();
        FitOptions options = FitOptions.defaults().epochs(3).verbose(0).callbacks(recorder)
                .validation(() -> Map.of("loss", 0.25));

        History h = new TrainingLoop(null, options, runner).run();

        assertEquals(List.of(0, 1, 2), runner.epochsRun);
        assertEquals(List.of(0.9, 0.7, 0.5), h.get("loss"));
        assertEquals(List.of(0.25, 0.25, 0.25), h.get("val_loss"));
        assertEquals(List.of("trainBegin epochs=3 steps=7", "epochEnd 0 [loss, accuracy, val_loss]",
                "epochEnd 1 [loss, accuracy, val_loss]", "epochEnd 2 [loss, accuracy, val_loss]", "trainEnd"),
                recorder.calls);
    }

    @Test
    void aNonFiniteEpochLossStopsTheFitWithANote() {
        ScriptedRunner runner = new ScriptedRunner(0.9, Double.POSITIVE_INFINITY, 0.5, 0.4);

        History h = new TrainingLoop(null, FitOptions.defaults().epochs(4).verbose(0), runner).run();

        assertEquals(List.of(0, 1), runner.epochsRun);
        assertEquals(2, h.get("loss").size());
        assertTrue(h.events().stream().anyMatch(e -> e.startsWith("stopped: loss became Infinity at epoch 2;")),
                h.events().toString());
    }

    @Test
    void initialEpochResumesTheCount() {
        ScriptedRunner runner = new ScriptedRunner(0.9, 0.8, 0.7, 0.6);

        History h = new TrainingLoop(null, FitOptions.defaults().epochs(4).initialEpoch(2).verbose(0), runner).run();

        assertEquals(List.of(2, 3), runner.epochsRun);
        assertEquals(List.of(2, 3), h.epochs());
    }

    @Test
    void optionsAreImmutableAndSeededWithTheDocumentedDefault() {
        FitOptions base = FitOptions.defaults();
        FitOptions five = base.epochs(5).batchSize(128);

        assertNotSame(base, five);
        assertEquals(1, base.epochs());
        assertEquals(32, base.batchSize());
        assertEquals(5, five.epochs());
        assertEquals(128, five.batchSize());
        assertEquals(FitOptions.DEFAULT_SEED, base.seed());
        assertEquals(FitOptions.DEFAULT_SEED, FitOptions.defaults().seed());
        assertThrows(IllegalArgumentException.class, () -> base.epochs(0));
        assertThrows(IllegalArgumentException.class, () -> base.batchSize(-1));
        assertThrows(IllegalArgumentException.class, () -> base.verbose(3));
        assertThrows(IllegalArgumentException.class, () -> base.validationSplit(1.0));
        assertThrows(IllegalArgumentException.class, () -> base.initialEpoch(-1));
    }

    @Test
    void twoFitsWithDefaultOptionsVisitTheSameBatches() {
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 100, 6);
        INDArray y = x.sum(1).gt(3).castTo(DataType.INT32);
        FitOptions options = FitOptions.defaults().epochs(2).batchSize(10).verbose(0);

        float[] first = trained(x, y, options);
        float[] second = trained(x, y, options);

        assertArrayEquals(first, second);
    }

    private static float[] trained(INDArray x, INDArray y, FitOptions options) {
        Sequential model = new Sequential(List.of(new Dense(8, "relu"), new Dense(2, "softmax"))).setSeed(4);
        model.compile("sgd", "sparse_categorical_crossentropy", "accuracy");
        model.fit(x, y, options);
        return model.parameters().dup().toFloatVector();
    }
}
