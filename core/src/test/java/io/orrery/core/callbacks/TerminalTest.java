package io.orrery.core.callbacks;

import io.orrery.core.layers.Dense;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.Sequential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress is redrawn with carriage returns on a terminal only, or as forced by orrery.progress. */
class TerminalTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(Terminal.PROGRESS_PROPERTY);
    }

    @Test
    void aStreamThatIsNotStandardOutputOrErrorIsNeverRedrawn() {
        assertFalse(Terminal.redraws(new PrintStream(new ByteArrayOutputStream())));
    }

    @Test
    void underMavenStandardOutputIsAPipeNotATerminal() {
        // Surefire reads the test JVM's output through a pipe (or a file), never a terminal.
        assertFalse(Terminal.isTerminal(1));
        assertFalse(Terminal.redraws(System.out));
    }

    @Test
    void thePropertyForcesTheStyle() {
        System.setProperty(Terminal.PROGRESS_PROPERTY, "bar");
        assertTrue(Terminal.redraws(new PrintStream(new ByteArrayOutputStream())));
        assertTrue(Terminal.redrawAllowed());
        System.setProperty(Terminal.PROGRESS_PROPERTY, " Lines ");
        assertEquals(Terminal.Style.LINES, Terminal.style());
        assertFalse(Terminal.redrawAllowed());
        System.setProperty(Terminal.PROGRESS_PROPERTY, "auto");
        assertTrue(Terminal.redrawAllowed());
    }

    @Test
    void anUnknownStyleNamesTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Terminal.parse(Terminal.PROGRESS_PROPERTY, "fancy"));
        assertEquals("Invalid value for orrery.progress: expected one of [auto, lines, bar], received \"fancy\"",
                e.getMessage());
    }

    @Test
    void fitWritesWholeLinesWithNoCarriageReturnWhenNotInteractive() {
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 300, 6);
        INDArray y = x.reshape(300, 2, 3).sum(2).argMax(1);
        Sequential model = new Sequential(List.of(new Dense(8, "relu"), new Dense(2, "softmax"))).setSeed(1);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressLogger logger = new ProgressLogger(1, new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        model.fit(x, y, FitOptions.defaults().epochs(3).batchSize(8).seed(2).verbose(0).callbacks(logger));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(-1, out.indexOf('\r'), out);
        String[] lines = out.split("\n");
        assertEquals(6, lines.length, out);
        for (int epoch = 0; epoch < 3; epoch++) {
            assertEquals("Epoch " + (epoch + 1) + "/3", lines[2 * epoch]);
            assertTrue(lines[2 * epoch + 1].startsWith("38/38 [==============================] - "), lines[2 * epoch + 1]);
        }
    }
}
