package io.orrery.spark;

import io.orrery.core.callbacks.Terminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer's epoch line: redrawn with carriage returns on a terminal, whole lines anywhere else. */
class ProgressLineTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @AfterEach
    void clearProperty() {
        System.clearProperty(Terminal.PROGRESS_PROPERTY);
    }

    private static Map<String, Double> logs() {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", 0.2611);
        logs.put("accuracy", 0.9245);
        return logs;
    }

    @Test
    void notOnATerminalEachEpochIsTwoWholeLines() {
        ProgressLine line = new ProgressLine(out, false);
        assertFalse(line.live());
        for (int epoch = 0; epoch < 2; epoch++) {
            line.epochStart(epoch, 2);
            line.epochEnd(468, 3.1, 60_000, logs());
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(-1, text.indexOf('\r'), text);
        assertEquals("Epoch 1/2\n"
                + "468/468 [==============================] - 3.1s - 19355 samples/s - loss: 0.2611 - accuracy: 0.9245\n"
                + "Epoch 2/2\n"
                + "468/468 [==============================] - 3.1s - 19355 samples/s - loss: 0.2611 - accuracy: 0.9245\n",
                text);
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlace() {
        ProgressLine line = new ProgressLine(out, true);
        assertTrue(line.live());
        line.epochStart(0, 1);
        line.update(57, 156, 2.0, 128);
        line.epochEnd(156, 5.0, 19_968, logs());
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("Epoch 1/1\n\r57/156 [" + "=".repeat(9) + ">" + ".".repeat(20) + "] - 2.0s - 3648 samples/s\r156/156 "),
                text);
        assertTrue(text.endsWith(" - loss: 0.2611 - accuracy: 0.9245\n"), text);
    }

    @Test
    void linesForcedByThePropertyWinOverATerminal() {
        System.setProperty(Terminal.PROGRESS_PROPERTY, "lines");
        ProgressLine line = new ProgressLine(out, true);
        assertFalse(line.live());
        line.epochStart(0, 1);
        line.epochEnd(156, 5.0, 19_968, logs());
        assertEquals(-1, bytes.toString(StandardCharsets.UTF_8).indexOf('\r'));
    }
}
