package io.orrery.examples.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippedJarCopiesTest {

    @Test
    void removesEachExecutorsJarCopyAndKeepsItsLogs(@TempDir Path work) throws Exception {
        Path app = work.resolve("app-20261203160000-0001");
        for (String executor : List.of("0", "1")) {
            Path dir = Files.createDirectories(app.resolve(executor));
            Files.writeString(dir.resolve("orrery-examples.jar"), "jar bytes");
            Files.writeString(dir.resolve("stderr"), "executor log");
        }
        Files.writeString(app.resolve("notes.jar"), "not an executor's copy");

        List<Path> removed = ShippedJarCopies.remove(app);

        assertEquals(2, removed.size());
        assertFalse(Files.exists(app.resolve("0/orrery-examples.jar")));
        assertFalse(Files.exists(app.resolve("1/orrery-examples.jar")));
        assertTrue(Files.exists(app.resolve("0/stderr")));
        assertTrue(Files.exists(app.resolve("1/stderr")));
        assertTrue(Files.exists(app.resolve("notes.jar")));
    }

    @Test
    void aMissingAppFolderIsNothingToRemove(@TempDir Path work) {
        assertEquals(List.of(), ShippedJarCopies.remove(work.resolve("app-none")));
    }
}
