package io.orrery.core.callbacks;

import io.orrery.core.layers.Dense;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.History;
import io.orrery.core.models.Sequential;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress lines are Keras's, character for character. */
class ProgressLoggerTest {

    private static Map<String, Double> logs(double loss, double accuracy) {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", loss);
        logs.put("accuracy", accuracy);
        return logs;
    }

    /**
     * A logger whose epoch started at a known instant: returns that instant (within a few microseconds), so that
     * {@code line(done, start + elapsed, ...)} sees the intended elapsed time.
     */
    private static long startEpoch(ProgressLogger logger) {
        for (int attempt = 0; ; attempt++) {
            long before = System.nanoTime();
            logger.onEpochBegin(0);
            long after = System.nanoTime();
            if (after - before < 20_000 || attempt > 1000) {
                return after;
            }
        }
    }

    private static ProgressLogger logger(int steps) {
        ProgressLogger logger = new ProgressLogger(1, new PrintStream(new ByteArrayOutputStream()), false);
        logger.setContext(null, 5, steps);
        return logger;
    }

    @Test
    void finishedEpochLineIsKerasFormat() {
        ProgressLogger logger = logger(469);
        long start = startEpoch(logger);
        assertEquals("469/469 [==============================] - 1s 3ms/step - loss: 0.2570 - accuracy: 0.9257",
                logger.line(469, start + 1_400_000_000L, logs(0.25704, 0.92566), true));
    }

    @Test
    void fastAndSlowStepsUseKerasTimeUnits() {
        ProgressLogger logger = logger(469);
        long start = startEpoch(logger);
        assertEquals("469/469 [==============================] - 0s 640us/step - loss: 0.2570",
                logger.line(469, start + 469L * 640_000, Map.of("loss", 0.257), true));
        logger = logger(10);
        start = startEpoch(logger);
        assertEquals("10/10 [==============================] - 25s 3s/step - loss: 1.5000",
                logger.line(10, start + 25_000_000_000L, Map.of("loss", 1.5), true));
    }

    @Test
    void runningLineHasKerasBarAndEta() {
        ProgressLogger logger = logger(469);
        long start = startEpoch(logger);
        // int(30 * 235 / 469) = 15 cells: 14 '=' then '>', then 15 dots
        assertEquals("235/469 [==============>...............] - ETA: 23s - loss: 0.3000 - accuracy: 0.9000",
                logger.line(235, start + 23_500_000_000L, logs(0.3, 0.9), false));
        // fewer steps than one cell: only dots; the count is right-aligned to the total's width
        assertEquals(" 10/469 [..............................] - ETA: 1:04 - loss: 0.3000 - accuracy: 0.9000",
                logger.line(10, start + 1_400_000_000L, logs(0.3, 0.9), false));
        assertEquals("  1/469 [..............................] - ETA: 1:18:00 - loss: 0.3000 - accuracy: 0.9000",
                logger.line(1, start + 10_000_000_000L, logs(0.3, 0.9), false));
    }

    @Test
    void tinyValuesUseScientificNotationAsKeras() {
        ProgressLogger logger = logger(2);
        long start = startEpoch(logger);
        assertEquals("2/2 [==============================] - 1s 500ms/step - loss: 5.0000e-04 - accuracy: 1.0000",
                logger.line(2, start + 1_000_000_000L, logs(0.0005, 1.0), true));
    }

    @Test
    void verboseTwoLineIsKerasFormat() {
        ProgressLogger logger = new ProgressLogger(2, new PrintStream(new ByteArrayOutputStream()), false);
        logger.setContext(null, 5, 469);
        long start = startEpoch(logger);
        assertEquals("469/469 - 2s - loss: 0.2586 - accuracy: 0.9251 - 2s/epoch - 4ms/step",
                logger.epochLine(start + 1_900_000_000L, logs(0.2586, 0.9251)));
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressLogger logger = new ProgressLogger(1, new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        logger.setContext(null, 1, 3);
        logger.onEpochBegin(0);
        logger.onTrainBatchEnd(0, logs(0.5, 0.25));
        logger.onTrainBatchEnd(1, logs(0.4, 0.5));  // redrawn only if 50 ms have passed since the last draw
        logger.onTrainBatchEnd(2, logs(0.3, 0.75)); // the last step is drawn by the epoch's end
        logger.onEpochEnd(0, logs(0.3, 0.75));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("Epoch 1/1\n\r1/3 [=========>....................] - ETA: "), out);
        assertTrue(out.contains(" - loss: 0.5000 - accuracy: 0.2500\r"), out);
        assertTrue(out.matches("(?s).*\r3/3 \\[={30}] - \\d+s \\d+(s|ms|us)/step - loss: 0.3000 - accuracy: 0.7500\n"), out);
        long redraws = out.chars().filter(c -> c == '\r').count();
        assertTrue(redraws == 2 || redraws == 3, out);
    }

    @Test
    void fitPrintsEpochHeadersAndOneFinalLinePerEpochToAFile() {
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 100, 6);
        INDArray y = x.reshape(100, 2, 3).sum(2).argMax(1);
        Sequential model = new Sequential(List.of(new Dense(8, "relu"), new Dense(2, "softmax"))).setSeed(1);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressLogger logger = new ProgressLogger(1, new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        History h = model.fit(x, y, FitOptions.defaults().epochs(2).batchSize(32).seed(2).verbose(0).callbacks(logger));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length, String.join("\n", lines));
        assertEquals("Epoch 1/2", lines[0]);
        assertEquals("Epoch 2/2", lines[2]);
        for (int epoch = 0; epoch < 2; epoch++) {
            String line = lines[2 * epoch + 1];
            String tail = String.format(Locale.ROOT, " - loss: %.4f - accuracy: %.4f", h.get("loss").get(epoch), h.get("accuracy").get(epoch));
            assertTrue(line.matches("4/4 \\[={30}] - \\d+s \\d+(s|ms|us)/step - loss: .*"), line);
            assertTrue(line.endsWith(tail), line + " should end with " + tail);
            assertTrue(!line.contains("\r"), "no carriage returns in a log file");
        }
    }
}
