package io.orrery.spark.exec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NativeThreadsTest {

    @Test
    void anExecutorTaskGetsItsOwnCoresNotTheHosts() {
        // The cluster: two 1-core executors on a 2-core host, OMP_WAIT_POLICY=PASSIVE carried to them.
        assertEquals(1, NativeThreads.threadsForTask(1, 1, 2, true));
        // spark.task.cpus=2 on that host: both cores, when idle OpenMP threads sleep.
        assertEquals(2, NativeThreads.threadsForTask(2, 1, 2, true));
        // Spinning pools fight: one thread without PASSIVE, whatever the task was given.
        assertEquals(1, NativeThreads.threadsForTask(2, 1, 2, false));
        // Never more than the JVM has, divided among the tasks that share it.
        assertEquals(2, NativeThreads.threadsForTask(4, 1, 2, true));
        assertEquals(1, NativeThreads.threadsForTask(2, 2, 2, true));
        assertEquals(4, NativeThreads.threadsForTask(4, 2, 16, true));
    }
}
