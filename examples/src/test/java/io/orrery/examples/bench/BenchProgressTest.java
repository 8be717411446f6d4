package io.orrery.examples.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Off a terminal the grid's progress is whole lines, never carriage returns. */
class BenchProgressTest {

    private static BenchConfig config(int workers) {
        return new BenchConfig(BenchConfig.ORRERY, "local[" + workers + "]", workers, "sync", "float32", 128, 1, 2);
    }

    @Test
    void notOnATerminalEachRunIsOneWholeLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (BenchProgress progress = new BenchProgress(3, new PrintStream(bytes, true, StandardCharsets.UTF_8), false)) {
            progress.done();  // skipped on resume
            progress.running(config(1));
            progress.done();
            progress.running(config(2));
            progress.done();
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(-1, text.indexOf('\r'), text);
        String[] lines = text.split("\n");
        assertEquals(3, lines.length, text);
        assertEquals("bench 2/3: orrery sync float32 b=128 N=1 (elapsed 0:00:00, ETA ?)", lines[0]);
        assertTrue(lines[1].matches("bench 3/3: orrery sync float32 b=128 N=2 \\(elapsed 0:00:00, ETA 0:00:00\\)"),
                lines[1]);
        assertTrue(lines[2].matches("bench 3/3 runs done in 0:00:0\\d"), lines[2]);
    }

    @Test
    void aStreamThatIsNotTheConsoleGetsLinesByDefault() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (BenchProgress progress = new BenchProgress(1, new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
            progress.running(config(1));
            progress.done();
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(-1, text.indexOf('\r'), text);
        assertTrue(text.startsWith("bench 1/1: orrery sync float32 b=128 N=1"), text);
    }
}
