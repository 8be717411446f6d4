package io.orrery.core.callbacks;

import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import org.junit.jupiter.api.Test;

import static io.orrery.core.callbacks.CallbackTestData.X;
import static io.orrery.core.callbacks.CallbackTestData.Y;
import static io.orrery.core.callbacks.CallbackTestData.logs;
import static io.orrery.core.callbacks.CallbackTestData.model;
import static io.orrery.core.callbacks.CallbackTestData.quiet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EarlyStoppingTest {

    private static int stopEpoch(EarlyStopping stopping, String monitor, double... values) {
        stopping.setContext(model("sgd"), values.length, 1);
        stopping.onTrainBegin();
        for (int epoch = 0; epoch < values.length && stopping.stoppedEpoch() < 0; epoch++) {
            stopping.onEpochEnd(epoch, logs(monitor, values[epoch]));
        }
        return stopping.stoppedEpoch();
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovement() {
        // best 0.9 at epoch 1; epochs 2 and 3 do not beat it: after patience = 2 such epochs, training stops (as Keras)
        assertEquals(3, stopEpoch(new EarlyStopping("val_loss", 0, 2), "val_loss", 1.0, 0.9, 0.95, 0.91, 0.92, 0.5));
        // patience 0 (Keras's default) stops at the first epoch without improvement
        assertEquals(2, stopEpoch(new EarlyStopping("val_loss", 0, 0), "val_loss", 1.0, 0.9, 0.9, 0.5));
        // improvement resets the count
        assertEquals(-1, stopEpoch(new EarlyStopping("val_loss", 0, 2), "val_loss", 1.0, 1.1, 0.8, 0.85, 0.7));
    }

    @Test
    void minDeltaCountsOnlyRealImprovements() {
        assertEquals(2, stopEpoch(new EarlyStopping("loss", 0.1, 2), "loss", 1.0, 0.95, 0.91, 0.5));
    }

    @Test
    void accuracyIsMaximized() {
        assertEquals(3, stopEpoch(new EarlyStopping("val_accuracy", 0, 2), "val_accuracy", 0.5, 0.7, 0.6, 0.65, 0.9));
    }

    @Test
    void stopsFitAndRecordsIt() {
        Sequential model = model("rmsprop");
        // nothing improves by 100: the first epoch sets the best, after two more without improvement training stops
        EarlyStopping stopping = new EarlyStopping("loss", 100, 2);
        History h = model.fit(X, Y, quiet(10).callbacks(stopping));
        assertEquals(3, h.get("loss").size());
        assertEquals(2, stopping.stoppedEpoch());
        assertTrue(h.events().contains("stopped early after epoch 3"), h.events().toString());
        // a later fit starts afresh
        assertEquals(4, model.fit(X, Y, quiet(4).callbacks(new EarlyStopping("loss", 0, 10))).get("loss").size());
    }

    @Test
    void monitoringAMissingValueIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> model("sgd").fit(X, Y, quiet(2).callbacks(new EarlyStopping())));
        assertTrue(e.getMessage().contains("val_loss") && e.getMessage().contains("[loss, accuracy]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping("loss", 0, -1));
    }
}
