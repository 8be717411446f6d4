package io.orrery.spark;

import io.orrery.core.layers.Dense;
import io.orrery.core.losses.SparseCategoricalCrossentropy;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import io.orrery.core.optimizers.SGD;
import io.orrery.spark.exchange.HubExchange;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer runs core's epoch loop, so a diverging fit stops as {@code Sequential.fit} does. */
class DivergenceTest {

    @Test
    void aNonFiniteEpochLossStopsTheFitWithANote() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.local().sparkContext());
        Sequential model = new Sequential(List.of(new Dense(16, "relu"), new Dense(10, "softmax")));
        model.setSeed(2);
        model.build(784);
        // A learning rate this large overflows the weights within the first steps: the loss becomes Inf or NaN.
        model.compile(new SGD(1e30), new SparseCategoricalCrossentropy(), "accuracy");
        // Through the TCP hub: the parameter server would (rightly) drop the non-finite gradients instead.
        SparkTrainer trainer = SparkTrainer.builder(TestSpark.local()).workers(2)
                .gradientExchange(HubExchange.factory()).build();

        History history = trainer.fit(model, sc.parallelize(MnistSubset.train(400), 2),
                FitOptions.defaults().epochs(4).batchSize(40).verbose(0));

        List<Double> losses = history.get("loss");
        assertTrue(losses.size() < 4, "epochs recorded: " + losses);
        assertFalse(Double.isFinite(losses.get(losses.size() - 1)), "last recorded loss: " + losses);
        assertTrue(history.events().stream().anyMatch(e -> e.startsWith("stopped: loss became ")
                && e.contains("at epoch " + losses.size() + ";")), history.events().toString());
    }
}
