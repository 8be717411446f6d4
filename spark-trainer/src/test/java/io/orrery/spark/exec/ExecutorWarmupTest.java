package io.orrery.spark.exec;

import io.orrery.ps.transport.SharedDriver;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up launches the JVM's shared media driver in the background, once, and lets it go after its linger. */
class ExecutorWarmupTest {

    @Test
    void launchesTheSharedDriverOnceAndReleasesItAfterTheLinger() throws Exception {
        ExecutorWarmup warmup = ExecutorWarmup.of(true, Duration.ofSeconds(2));
        warmup.begin();
        warmup.begin(); // a second split task on the same executor starts nothing more
        assertTrue(waitFor(true, Duration.ofSeconds(60)), "the warm-up launched the shared driver");
        // the warm-up's thread releases its lease right after the launch: then the driver only lingers
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (SharedDriver.references() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, SharedDriver.references(), "the warm-up holds no lease: the driver only lingers");
        assertTrue(waitFor(false, Duration.ofSeconds(30)), "the unused driver stops after its linger");
        assertFalse(SharedDriver.running());
    }

    private static boolean waitFor(boolean running, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (SharedDriver.running() != running && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return SharedDriver.running() == running;
    }
}
