package io.orrery.ps.client;

import io.orrery.ps.client.ParameterAssembler.Outcome;
import io.orrery.ps.client.ParameterAssembler.Want;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.ShardLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The assembler without Aeron: chunks handed in as the broadcast would, the flat buffer read back. The layout: 10
 * values, 2 shards of 5, chunks of at most 2 values (3 chunks per shard: 2, 2 and 1 values).
 */
class ParameterAssemblerTest {

    private final ShardLayout layout = new ShardLayout(10, 2, 2);
    private final ParameterAssembler assembler = new ParameterAssembler(layout);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[10 * 4]);

    /** Chunk {@code c} of {@code shard} where every value is {@code value}. */
    private Outcome chunk(int shard, int c, long version, float value) {
        int length = layout.chunkLength(shard, c);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[length * 4]);
        for (int i = 0; i < length; i++) {
            payload.putFloat(i * 4, value, ByteOrder.LITTLE_ENDIAN);
        }
        assertNull(assembler.check(shard, c, layout.chunkCount(shard), layout.chunkOffset(c), length, length * 4));
        return assembler.onChunk(shard, c, version, 0, payload);
    }

    private float[] values() {
        float[] v = new float[10];
        for (int i = 0; i < 10; i++) {
            v[i] = out.getFloat(i * 4, ByteOrder.LITTLE_ENDIAN);
        }
        return v;
    }

    @Test
    void chunksInAnyOrderMakeOneVersionOfEveryShardAtTheirOffsets() {
        assembler.begin(Want.EXACT, 1, out);
        assertEquals(Outcome.CONTINUE, chunk(1, 2, 1, 6f));
        assertEquals(Outcome.CONTINUE, chunk(0, 1, 1, 2f));
        assertEquals(Outcome.CONTINUE, chunk(0, 0, 1, 1f));
        assertEquals(Outcome.CONTINUE, chunk(1, 0, 1, 4f));
        assertEquals(Outcome.CONTINUE, chunk(0, 2, 1, 3f));
        assertFalse(assembler.finished());
        assertTrue(assembler.partWayThroughAVersion());
        assertEquals(Outcome.DONE, chunk(1, 1, 1, 5f));
        assertTrue(assembler.finished());
        assertArrayEquals(new float[]{1, 1, 2, 2, 3, 4, 4, 5, 5, 6}, values());
        assertEquals(1, assembler.oldestHeld());
        assertEquals(40, assembler.bytesReceived());
    }

    @Test
    void anExactWaitIgnoresOlderVersionsAndLeavesNewerOnesForTheNextWait() {
        assembler.begin(Want.EXACT, 2, out);
        assertEquals(Outcome.CONTINUE, chunk(0, 0, 1, 9f));
        assertEquals(Outcome.LATER, chunk(0, 0, 3, 9f));
        assertArrayEquals(new float[10], values());
        assertEquals(-1, assembler.oldestHeld());
    }

    @Test
    void anAtLeastWaitTakesANewerVersionThanWanted() {
        assembler.begin(Want.AT_LEAST, 1, out);
        for (int s = 0; s < 2; s++) {
            for (int c = 0; c < 3; c++) {
                chunk(s, c, 4, 7f);
            }
        }
        assertTrue(assembler.finished());
        assertEquals(4, assembler.oldestHeld());
        assertEquals(4, assembler.heldVersion(1));
    }

    @Test
    void aNewestWaitReplacesATakenShardByItsNewerVersionAndNeverMixesTwo() {
        assembler.begin(Want.NEWEST, 1, out);
        for (int c = 0; c < 3; c++) {
            chunk(0, c, 1, 1f);
        }
        assertEquals(1, assembler.heldVersion(0));
        chunk(0, 0, 2, 2f);
        assertTrue(assembler.partWayThroughAVersion());
        // A chunk of the older version while the newer one is assembling is skipped, not mixed in.
        assertEquals(Outcome.CONTINUE, chunk(0, 1, 1, 9f));
        chunk(0, 1, 2, 2f);
        chunk(0, 2, 2, 2f);
        assertFalse(assembler.partWayThroughAVersion());
        assertEquals(2, assembler.heldVersion(0));
        assertArrayEquals(new float[]{2, 2, 2, 2, 2, 0, 0, 0, 0, 0}, values());
    }

    @Test
    void drainingConsumesHeldVersionsAndStopsAtANewerOne() {
        assembler.begin(Want.AT_LEAST, 1, out);
        for (int s = 0; s < 2; s++) {
            for (int c = 0; c < 3; c++) {
                chunk(s, c, 1, 1f);
            }
        }
        assembler.beginDrain();
        assertTrue(assembler.draining());
        assertEquals(Outcome.CONTINUE, chunk(0, 0, 1, 5f));
        assertEquals(Outcome.LATER, chunk(0, 0, 2, 5f));
        assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, values());
    }

    @Test
    void aFailedStepEndsAnExactWaitForTheShardsNotYetComplete() {
        assembler.begin(Want.EXACT, 3, out);
        for (int c = 0; c < 3; c++) {
            chunk(0, c, 3, 1f);
        }
        assertNull(assembler.onStepFailed(0, 2, "late shard 0"));
        assertNull(assembler.onStepFailed(1, 1, "another step"));
        assertFalse(assembler.finished());
        assertNull(assembler.onStepFailed(1, 2, "worker 1 missing"));
        assertTrue(assembler.finished());
        assertEquals("worker 1 missing", assembler.failures());
        assertEquals(DropReason.BAD_SHARD, assembler.onStepFailed(2, 2, "no such shard"));
    }

    @Test
    void chunksThatDoNotFitTheLayoutAreNamed() {
        assertEquals(DropReason.BAD_SHARD, assembler.check(2, 0, 3, 0, 2, 8));
        assertEquals(DropReason.BAD_CHUNK, assembler.check(0, 3, 3, 6, 2, 8));
        assertEquals(DropReason.BAD_CHUNK, assembler.check(0, 0, 4, 0, 2, 8));
        assertEquals(DropReason.BAD_LENGTH, assembler.check(0, 2, 3, 4, 2, 8));
        assertEquals(DropReason.BAD_LENGTH, assembler.check(0, 0, 3, 0, 2, 4));
        assertEquals(DropReason.BAD_LENGTH, assembler.check(0, 1, 3, 3, 2, 8));
    }

    @Test
    void theSlowestWorkerStepIsTheHighestReported() {
        assembler.begin(Want.AT_LEAST, 0, out);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        assembler.onChunk(0, 0, 0, 5, payload);
        assembler.onChunk(0, 1, 0, 3, payload);
        assertEquals(5, assembler.minWorkerStep());
    }
}
