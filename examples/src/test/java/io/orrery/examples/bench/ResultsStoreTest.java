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
    void corruptResultsFileFailsWithAnInstruction() throws Exception {
        Files.writeString(dir.resolve(ResultsStore.FILE_NAME), "{not json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultsStore.open(dir));
        assertTrue(e.getMessage().contains("Fix or delete the file"), e.getMessage());
    }
}
