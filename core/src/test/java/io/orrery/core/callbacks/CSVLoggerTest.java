package io.orrery.core.callbacks;

import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.orrery.core.callbacks.CallbackTestData.X;
import static io.orrery.core.callbacks.CallbackTestData.Y;
import static io.orrery.core.callbacks.CallbackTestData.model;
import static io.orrery.core.callbacks.CallbackTestData.quiet;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CSVLoggerTest {

    @TempDir
    Path dir;

    @Test
    void writesHeaderAndOneRowPerEpoch() throws IOException {
        Path file = dir.resolve("log.csv");
        Sequential model = model("rmsprop");
        History h = model.fit(X, Y, quiet(3).validationData(X, Y).callbacks(new CSVLogger(file)));
        List<String> lines = Files.readAllLines(file);
        assertEquals(4, lines.size(), lines.toString());
        assertEquals("epoch,loss,accuracy,val_loss,val_accuracy", lines.get(0));
        String[] keys = lines.get(0).split(",");
        for (int epoch = 0; epoch < 3; epoch++) {
            String[] cells = lines.get(epoch + 1).split(",");
            assertEquals(keys.length, cells.length, lines.get(epoch + 1));
            assertEquals(String.valueOf(epoch), cells[0]);
            for (int k = 1; k < keys.length; k++) {
                double expected = h.get(keys[k]).get(epoch);
                assertEquals(expected, Double.parseDouble(cells[k]), 1e-7 * Math.max(1, Math.abs(expected)), keys[k] + " epoch " + epoch);
            }
        }
    }

    @Test
    void replacesOrAppends() throws IOException {
        Path file = dir.resolve("log.csv");
        Sequential model = model("sgd");
        model.fit(X, Y, quiet(2).callbacks(new CSVLogger(file)));
        model.fit(X, Y, quiet(1).callbacks(new CSVLogger(file)));
        assertEquals(2, Files.readAllLines(file).size(), "a new logger replaces the file");
        model.fit(X, Y, quiet(2).callbacks(new CSVLogger(file, true)));
        List<String> lines = Files.readAllLines(file);
        assertEquals(4, lines.size(), "appending adds rows, not a second header: " + lines);
        assertEquals("epoch,loss,accuracy", lines.get(0));
        assertEquals(List.of("0", "0", "1"), lines.subList(1, 4).stream().map(l -> l.split(",")[0]).toList());
    }
}
