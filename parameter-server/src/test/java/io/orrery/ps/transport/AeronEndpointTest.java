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
    void closeIsIdempotent() {
        AeronEndpoint endpoint = AeronEndpoint.start("test", null, 64 << 10, 2);
        endpoint.close();
        endpoint.close();
    }
}
