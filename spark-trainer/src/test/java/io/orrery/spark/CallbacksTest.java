package io.orrery.spark;

import io.orrery.core.callbacks.Callback;
import io.orrery.core.layers.Dense;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallbacksTest {

    /** Records the hooks it sees, and asks the fit to stop at the end of epoch {@code stopAfter} (0-based). */
    private static final class Recorder extends Callback {
        final List<String> calls = new ArrayList<>();
        final int stopAfter;

        Recorder(int stopAfter) {
            this.stopAfter = stopAfter;
        }

        @Override
        public void onTrainBegin() {
            calls.add("trainBegin epochs=" + epochs + " steps=" + steps);
        }

        @Override
        public void onEpochBegin(int epoch) {
            calls.add("epochBegin " + epoch);
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            calls.add("epochEnd " + epoch + " " + logs.keySet());
            if (epoch == stopAfter) {
                model.setStopTraining(true);
            }
        }

        @Override
        public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
            calls.add("batch");   // never: batches run on the executors
        }

        @Override
        public void onTrainEnd(Map<String, Double> logs) {
            calls.add("trainEnd " + logs.keySet());
        }

        Sequential contextModel() {
            return model;
        }
    }

    @Test
    void coreCallbacksRunAtTheEpochHooksOnTheDriverAndCanStopTheFit() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.local().sparkContext());
        List<Sample> data = MnistSubset.train(400);
        Sequential model = new Sequential(List.of(new Dense(16, "relu"), new Dense(10, "softmax")));
        model.setSeed(2);
        model.build(784);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        Recorder recorder = new Recorder(1);
        History history = SparkTrainer.builder(TestSpark.local()).workers(2).build().fit(model,
                sc.parallelize(data, 2), FitOptions.defaults().epochs(4).batchSize(40).verbose(0)
                        .callbacks(recorder));

        assertSame(model, recorder.contextModel());
        assertEquals(List.of("trainBegin epochs=4 steps=10", "epochBegin 0", "epochEnd 0 [loss, accuracy]",
                "epochBegin 1", "epochEnd 1 [loss, accuracy]", "trainEnd [loss, accuracy]"), recorder.calls);
        assertEquals(2, history.get("loss").size());
        assertTrue(history.events().contains("stopped early after epoch 2"), history.events().toString());
    }
}
