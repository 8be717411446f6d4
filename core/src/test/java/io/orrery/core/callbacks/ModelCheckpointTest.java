package io.orrery.core.callbacks;

import io.orrery.core.models.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.orrery.core.callbacks.CallbackTestData.X;
import static io.orrery.core.callbacks.CallbackTestData.Y;
import static io.orrery.core.callbacks.CallbackTestData.logs;
import static io.orrery.core.callbacks.CallbackTestData.model;
import static io.orrery.core.callbacks.CallbackTestData.quiet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCheckpointTest {

    @TempDir
    Path dir;

    private static List<String> files(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void savesEveryEpochToTheEpochPattern() throws IOException {
        Sequential model = model("adam");
        model.fit(X, Y, quiet(3).callbacks(new ModelCheckpoint(dir.resolve("ckpt-{epoch}.orrery").toString())));
        assertEquals(List.of("ckpt-1.orrery", "ckpt-2.orrery", "ckpt-3.orrery"), files(dir));
        Sequential last = Sequential.load(dir.resolve("ckpt-3.orrery"));
        assertArrayEquals(model.parameters().toFloatVector(), last.parameters().toFloatVector());
        assertEquals(model.optimizerState().iterations(), last.optimizerState().iterations());
        Sequential first = Sequential.load(dir.resolve("ckpt-1.orrery"));
        assertEquals(3, first.optimizerState().iterations(), "96 samples in batches of 32: 3 steps per epoch");
    }

    @Test
    void saveBestOnlySavesImprovements() throws IOException {
        Sequential model = model("sgd");
        ModelCheckpoint checkpoint = new ModelCheckpoint(dir.resolve("m-{epoch}.orrery").toString(), "val_loss", true);
        checkpoint.setContext(model, 4, 1);
        checkpoint.onTrainBegin();
        double[] valLoss = {0.5, 0.6, 0.4, 0.4};
        for (int epoch = 0; epoch < valLoss.length; epoch++) {
            checkpoint.onEpochEnd(epoch, logs("val_loss", valLoss[epoch]));
        }
        assertEquals(List.of("m-1.orrery", "m-3.orrery"), files(dir));
    }

    @Test
    void saveBestOnlyToOneFileKeepsTheBestModel() throws IOException {
        Sequential model = model("sgd");
        Path file = dir.resolve("best.orrery");
        ModelCheckpoint checkpoint = new ModelCheckpoint(file.toString(), "val_accuracy", true);
        checkpoint.setContext(model, 3, 1);
        checkpoint.onTrainBegin();
        double[] accuracy = {0.7, 0.9, 0.8};
        for (int epoch = 0; epoch < accuracy.length; epoch++) {
            model.parameters().assign(epoch);
            checkpoint.onEpochEnd(epoch, logs("val_accuracy", accuracy[epoch]));
        }
        assertEquals(1.0, Sequential.load(file).parameters().maxNumber().doubleValue(), "the epoch-2 weights (accuracy 0.9)");
        assertEquals(1.0, Sequential.load(file).parameters().minNumber().doubleValue());
        assertFalse(files(dir).stream().anyMatch(f -> f.endsWith(".tmp")));
    }

    @Test
    void pathPatternsFormatEpochAndLogsAsKeras() throws IOException {
        Map<String, Double> logs = Map.of("loss", 0.31234, "val_loss", 0.4567);
        assertEquals("m-01-0.46.orrery", ModelCheckpoint.fileName("m-{epoch:02d}-{val_loss:.2f}.orrery", 0, logs));
        assertEquals("m-12.orrery", ModelCheckpoint.fileName("m-{epoch}.orrery", 11, logs));
        assertEquals("m-0.31234.orrery", ModelCheckpoint.fileName("m-{loss}.orrery", 0, logs));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ModelCheckpoint.fileName("m-{acc}.orrery", 0, logs));
        assertTrue(e.getMessage().contains("{acc}") && e.getMessage().contains("val_loss"), e.getMessage());

        Sequential model = model("sgd");
        model.fit(X, Y, quiet(2).callbacks(new ModelCheckpoint(dir.resolve("w.{epoch:02d}-{loss:.3f}.orrery").toString())));
        List<String> names = files(dir);
        assertEquals(2, names.size(), names.toString());
        assertTrue(names.get(0).matches("w\\.01-\\d\\.\\d{3}\\.orrery") && names.get(1).startsWith("w.02-"), names.toString());
    }

    @Test
    void monitoringAMissingValueIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> model("sgd").fit(X, Y,
                quiet(1).callbacks(new ModelCheckpoint(dir.resolve("x.orrery").toString(), "val_loss", true))));
        assertTrue(e.getMessage().contains("val_loss"), e.getMessage());
    }
}
