package io.orrery.ps.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership as the shards see it: which chunks count and whom a SYNC step waits for, around a clean Leave whose
 * worker's last chunks are still on their way (they travel on other streams than the Leave).
 */
class WorkerRegistryTest {

    static final long TIMEOUT_NS = 1_000_000_000L;
    static final String HOST_A = "127.0.0.1:40001";
    static final String HOST_B = "127.0.0.1:40002";

    private final WorkerRegistry.Holder[] evicted = new WorkerRegistry.Holder[1];

    private int join(WorkerRegistry registry, int requested, int session, String source) {
        return registry.join(requested, "worker-" + session, session, source, session, 0, TIMEOUT_NS, evicted);
    }

    @Test
    void chunksOfAHolderThatLeftCountUpToItsLastStepAndTheStepWaitsForThem() {
        WorkerRegistry registry = new WorkerRegistry(2);
        assertEquals(0, join(registry, 0, 11, HOST_A));
        assertEquals(1, join(registry, 1, 22, HOST_B));
        registry.pushed(1, 4, 0); // the shards read its step 4
        registry.announced(1, 5); // it pushed step 5 too, then left at once; no shard has read step 5 yet
        registry.leave(1);

        assertFalse(registry.isMember(1));
        assertEquals(5, registry.leftAfterStep(1));
        assertTrue(registry.counts(1, 5), "chunks of its last step, sent before the Leave, count");
        assertFalse(registry.counts(1, 6), "nothing it sends for a later step counts");
        assertFalse(registry.excused(1, 5), "step 5 waits for the chunks it sent before leaving");
        assertTrue(registry.excused(1, 6), "step 6 goes on with the member that stayed");
        assertFalse(registry.excused(0, 6));
        // Still bound to the sender that joined with it, and to no other.
        assertTrue(registry.holds(1, 22, HOST_B));
        assertFalse(registry.holds(1, 22, HOST_A));
        assertFalse(registry.holds(1, 99, HOST_B));
    }

    @Test
    void aHolderThatLeftWithoutAnnouncingCountsUpToTheLastStepTheShardsRead() {
        WorkerRegistry registry = new WorkerRegistry(2);
        join(registry, 0, 11, HOST_A);
        join(registry, 1, 22, HOST_B);
        registry.pushed(1, 3, 0);
        registry.leave(1); // an older client: no heartbeat before its Leave
        assertTrue(registry.counts(1, 3));
        assertFalse(registry.counts(1, 4));
        assertTrue(registry.excused(1, 4));
    }

    @Test
    void whenTheLastMemberLeavesItsChunksStillCountAndEveryIdIsWaitedForAgain() {
        WorkerRegistry registry = new WorkerRegistry(2);
        join(registry, 0, 11, HOST_A);
        join(registry, 1, 22, HOST_B);
        registry.announced(0, 7);
        registry.announced(1, 7);
        registry.leave(0);
        registry.leave(1); // the end of a Spark stage: both pushed step 7 and left at once
        assertEquals(0, registry.memberCount());
        assertTrue(registry.counts(0, 7));
        assertTrue(registry.counts(1, 7));
        for (int id = 0; id < 2; id++) {
            assertFalse(registry.excused(id, 7));
            assertFalse(registry.excused(id, 8), "the next stage's first step waits for every id");
        }
    }

    @Test
    void anotherSenderThatJoinsALeftIdHoldsItAndTheLeftHoldersLastStepIsForgotten() {
        WorkerRegistry registry = new WorkerRegistry(2);
        join(registry, 0, 11, HOST_A);
        join(registry, 1, 22, HOST_B);
        registry.announced(1, 5);
        registry.leave(1);
        assertEquals(1, join(registry, 1, 33, HOST_B)); // the next task with that id
        assertTrue(registry.isMember(1));
        assertTrue(registry.holds(1, 33, HOST_B));
        assertFalse(registry.holds(1, 22, HOST_B), "the holder that left no longer holds the id");
        assertFalse(registry.excused(1, 6));
        registry.leave(1); // the new holder pushed nothing
        assertEquals(-1, registry.leftAfterStep(1));
        assertFalse(registry.counts(1, 5), "the earlier holder's last step is not the new holder's");
        assertTrue(registry.excused(1, 5));
    }

    @Test
    void aStepThatTimedOutWaitingForALeaversChunksGoesOnWithoutThemButAMemberIsStillWaitedFor() {
        WorkerRegistry registry = new WorkerRegistry(2);
        join(registry, 0, 11, HOST_A);
        join(registry, 1, 22, HOST_B);
        registry.announced(1, 5);
        registry.leave(1);
        assertFalse(registry.excused(1, 5));
        registry.abandon(1, 5); // step 5 timed out: its chunks are lost
        assertTrue(registry.excused(1, 5));
        assertFalse(registry.counts(1, 5));
        registry.abandon(0, 5);
        assertFalse(registry.excused(0, 5), "a member is not given up on");
    }

    @Test
    void aClaimedStepNeverLowersWhatTheShardsRead() {
        WorkerRegistry registry = new WorkerRegistry(2);
        join(registry, 0, 11, HOST_A);
        join(registry, 1, 22, HOST_B);
        registry.pushed(1, 9, 0);
        registry.announced(1, 2);
        registry.announced(1, Long.MIN_VALUE);
        registry.leave(1);
        assertEquals(9, registry.leftAfterStep(1));
    }

    @Test
    void theNextStepOfAnIdGoesPastEveryStepAShardTookAChunkOfWhoeverHoldsIt() {
        WorkerRegistry registry = new WorkerRegistry(2);
        assertEquals(0, registry.nextStep(1), "an id never used starts at 0");
        assertEquals(1, join(registry, 1, 22, HOST_A));
        registry.started(1, 0);
        registry.pushed(1, 0, 0);
        registry.started(1, 1); // one shard has part of step 1; the holder dies before the rest
        assertEquals(2, registry.nextStep(1), "past the partial step: its chunks are not mixed with another's");
        registry.leave(1);
        assertEquals(1, join(registry, 1, 33, HOST_B));
        assertEquals(2, registry.nextStep(1), "a new holder of the id goes on from there");
        assertEquals(0, registry.nextStep(0));
    }
}
