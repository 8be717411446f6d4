package io.orrery.examples.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsStoreTest {

    @TempDir
    Path dir;

    @Test
    void reopenedStoreSkipsFinishedRunsAndRetriesFailedOnes() {
        ResultsStore store = ResultsStore.open(dir);
        RunResult done = BenchRows.orrery(1, 5000);
        RunResult failed = RunResult.failed(BenchRows.orrery(2, 0).config(), "2026-11-26T22:00:00Z", "boom");
        store.add(done);
        store.add(failed);

        ResultsStore resumed = ResultsStore.open(dir);
        assertTrue(resumed.isDone(done.config()));
        assertFalse(resumed.isDone(failed.config()));
        assertEquals(2, resumed.rows().size());
        assertEquals(done, resumed.rows().get(0));
    }

    @Test
    void retryReplacesTheFailedRowOfTheSameConfiguration() {
        ResultsStore store = ResultsStore.open(dir);
        RunResult ok = BenchRows.orrery(2, 9000);
        store.add(RunResult.failed(ok.config(), "t", "boom"));
        store.add(ok);
        assertEquals(1, ResultsStore.open(dir).rows().size());
        assertTrue(ResultsStore.open(dir).isDone(ok.config()));
    }

    @Test
    void rowPrintedOnOneLineParsesBackUnchanged() {
        RunResult row = BenchRows.dl4j(2, 4000);
        String line = ResultsJson.toLine(row);
        assertFalse(line.contains("\n"));
        assertEquals(row, ResultsJson.parseRow(line, "test"));
    }

    @Test
    void rowPrintedByTheDl4jBaselineJvmParsesIntoTheSameSchema() throws Exception {
        // A line captured from a real `bench-dl4j/run.sh --trainer parameter-averaging --workers 1 --epochs 1`.
        String line;
        try (var in = getClass().getResourceAsStream("dl4j-row.txt")) {
            line = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        }
        assertTrue(line.startsWith(ResultsJson.LINE_PREFIX));
        RunResult row = ResultsJson.parseRow(line.substring(ResultsJson.LINE_PREFIX.length()), "dl4j-row.txt");
        assertEquals(new BenchConfig(BenchConfig.DL4J_PARAMETER_AVERAGING, "local[1]", 1, BenchCommand.DL4J_PA_MODE,
                BenchCommand.DL4J_PA_ENCODING, 128, 1, 1), row.config());
        assertTrue(row.ok());
        assertEquals(0.9628, row.finalAccuracy(), 1e-9);
        assertEquals(1, row.accuracyCurve().size());
        assertEquals(null, row.stepMs(), "DL4J does not split its step time");
    }

    @Test
    void corruptResultsFileFailsWithAnInstruction() throws Exception {
        Files.writeString(dir.resolve(ResultsStore.FILE_NAME), "{not json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultsStore.open(dir));
        assertTrue(e.getMessage().contains("Fix or delete the file"), e.getMessage());
    }
}
