package io.orrery.ps.transport;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AeronEndpointTest {

    @Test
    void eachEmbeddedDriverGetsItsOwnDirectoryWhichCloseRemoves() {
        String first;
        String second;
        try (AeronEndpoint a = AeronEndpoint.start("test", null, 64 << 10, 4);
             AeronEndpoint b = AeronEndpoint.start("test", null, 64 << 10, 4)) {
            first = a.directory();
            second = b.directory();
            assertNotEquals(first, second);
            assertTrue(new File(first).isDirectory());
            assertTrue(a.embedded());
        }
        assertFalse(new File(first).exists(), first);
        assertFalse(new File(second).exists(), second);
    }

    @Test
    void notEnoughSpaceForTheTermBuffersIsAClearError() {
        Path base = AeronEndpoint.defaultBaseDirectory();
        TransportException e = assertThrows(TransportException.class,
                () -> AeronEndpoint.checkFreeSpace(base, 1 << 30, 1_000_000));
        assertTrue(e.getMessage().contains("neededMiB="), e.getMessage());
        assertTrue(e.getMessage().contains("freeMiB="), e.getMessage());
        assertTrue(e.getMessage().contains("shm-size"), e.getMessage());
    }

    @Test
    void directoriesOfProcessesThatAreGoneAreRemovedAndLiveOnesKept(@org.junit.jupiter.api.io.TempDir Path base)
            throws java.io.IOException {
        long deadPid = 4_000_000 + 12_345;
        org.junit.jupiter.api.Assumptions.assumeTrue(ProcessHandle.of(deadPid).isEmpty());
        File dead = base.resolve("orrery-ps-worker-" + deadPid + "-abc123").toFile();
        File alive = base.resolve("orrery-ps-worker-" + ProcessHandle.current().pid() + "-abc123").toFile();
        File fresh = base.resolve("orrery-ps-worker-" + (deadPid + 1) + "-abc123").toFile();
        File foreign = base.resolve("someone-else-" + deadPid).toFile();
        for (File dir : new File[]{dead, alive, fresh, foreign}) {
            assertTrue(dir.mkdirs());
            java.nio.file.Files.writeString(dir.toPath().resolve("cnc.dat"), "x");
        }
        long old = System.currentTimeMillis() - 120_000;
        assertTrue(dead.setLastModified(old) && alive.setLastModified(old) && foreign.setLastModified(old));
        AeronEndpoint.removeStaleDirectories(base);
        assertFalse(dead.exists());
        assertTrue(alive.exists());
        assertTrue(fresh.exists());
        assertTrue(foreign.exists());
    }

    @Test
    void closeIsIdempotent() {
        AeronEndpoint endpoint = AeronEndpoint.start("test", null, 64 << 10, 2);
        endpoint.close();
        endpoint.close();
    }
}
