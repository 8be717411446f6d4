package io.orrery.ps.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

import java.nio.ByteOrder;

/**
 * The check-and-add of float32 gradient chunks on a little-endian host, staged through two heap arrays so that the
 * loops run over plain {@code float[]} (which C2 vectorises) instead of a bounds-checked buffer access per value:
 * measured 1.1 ms per 407k-value gradient through {@link GradientCodec}'s generic loops, the bottleneck of a SYNC
 * step (docs/benchmarks.md). One instance per agent thread; not thread-safe.
 */
public final class Float32Ingest {

    private static final boolean NATIVE_LE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final long FLOAT_BASE = UnsafeApi.arrayBaseOffset(float[].class);

    private final float[] incoming;
    private final float[] sums;
    private int staged;
    private float lastMaxAbs;

    /** @param maxChunk the largest chunk, in values */
    public Float32Ingest(int maxChunk) {
        this.incoming = new float[maxChunk];
        this.sums = new float[maxChunk];
    }

    /** Whether this host can use the fast path (else {@link GradientCodec#check} and
     * {@link GradientCodec#addInto}). */
    public static boolean supported() {
        return NATIVE_LE;
    }

    /**
     * Checks a float32 payload like {@link GradientCodec#check} and keeps its values for {@link #addChecked}.
     *
     * @return null when acceptable, else the reason to drop the payload
     */
    public DropReason check(DirectBuffer payload, int elementCount, int chunkLength) {
        staged = 0;
        if (elementCount != chunkLength || elementCount > incoming.length
                || (long) elementCount * 4 != payload.capacity()) {
            return DropReason.BAD_LENGTH;
        }
        copyIn(payload, 0, incoming, elementCount);
        // One max-of-|v| reduction gives both the largest magnitude (the server blames overflowing sums on it) and
        // the finiteness check: Math.max keeps a NaN and an infinity is the largest. C2 vectorises this float form;
        // the earlier integer max over Float.floatToRawIntBits it did not (0.3-0.5 against 1.3-2.8 ns per value in a
        // throwaway loop, 2026-12-03, under load), and a cluster profile of the server had that check on top.
        float maxAbs = 0f;
        for (int i = 0; i < elementCount; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(incoming[i]));
        }
        if (!(maxAbs <= Float.MAX_VALUE)) {
            return DropReason.NON_FINITE;
        }
        lastMaxAbs = maxAbs;
        staged = elementCount;
        return null;
    }

    /** The largest magnitude in the payload the last {@link #check} accepted. */
    public float lastMaxAbs() {
        return lastMaxAbs;
    }

    /** Adds the payload that the last {@link #check} accepted into the accumulator at byte {@code accOffset}. */
    public void addChecked(MutableDirectBuffer accumulator, int accOffset) {
        int n = staged;
        if (accOffset < 0 || accOffset + (long) n * 4 > accumulator.capacity()) {
            throw new IndexOutOfBoundsException("accumulator range: offset=" + accOffset + " values=" + n
                    + " capacity=" + accumulator.capacity());
        }
        copyIn(accumulator, accOffset, sums, n);
        for (int i = 0; i < n; i++) {
            sums[i] += incoming[i];
        }
        UnsafeApi.copyMemory(sums, FLOAT_BASE, accumulator.byteArray(), accumulator.addressOffset() + accOffset,
                (long) n * 4);
        staged = 0;
    }

    private static void copyIn(DirectBuffer from, int byteOffset, float[] to, int count) {
        UnsafeApi.copyMemory(from.byteArray(), from.addressOffset() + byteOffset, to, FLOAT_BASE, (long) count * 4);
    }
}
