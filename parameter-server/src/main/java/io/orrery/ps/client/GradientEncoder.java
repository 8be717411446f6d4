package io.orrery.ps.client;

import io.orrery.ps.protocol.GradientCodec;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.sbe.Encoding;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Encodes one chunk of the flat gradient at a time in the job's encoding. FLOAT32 goes out straight from the
 * gradient buffer; the dense 16-bit encodings and SPARSE are written into one reused scratch buffer. SPARSE keeps
 * what it does not send in a residual added to the next gradient (error feedback). After {@link #encode}, the
 * payload is {@link #payload()} from {@link #payloadOffset()} for {@link #payloadBytes()} bytes, holding
 * {@link #count()} values.
 */
final class GradientEncoder {

    private static final long FLOAT_ARRAY_BASE = UnsafeApi.arrayBaseOffset(float[].class);

    private final ShardLayout layout;
    private final Encoding encoding;
    private final double sparseThreshold;
    private final double sparseFraction;
    private final UnsafeBuffer scratch;
    private final float[] residual;
    private final float[] magnitudes;

    private DirectBuffer payload;
    private int payloadOffset;
    private int payloadBytes;
    private int count;

    GradientEncoder(ShardLayout layout, Encoding encoding, double sparseThreshold, double sparseFraction) {
        this.layout = layout;
        this.encoding = encoding;
        this.sparseThreshold = sparseThreshold;
        this.sparseFraction = sparseFraction;
        this.scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(64, layout.chunkElements() * 8), 64));
        boolean sparse = encoding == Encoding.SPARSE;
        this.residual = sparse ? new float[Math.toIntExact(layout.modelLength())] : null;
        this.magnitudes = sparse ? new float[layout.chunkElements()] : null;
    }

    Encoding encoding() {
        return encoding;
    }

    /** Encodes chunk {@code chunk} of shard {@code shard} of {@code grads} (the flat float32 gradient). */
    void encode(UnsafeBuffer grads, int shard, int chunk) {
        int length = layout.chunkLength(shard, chunk);
        int byteOffset = (int) (layout.shardOffset(shard) * 4) + layout.chunkOffset(chunk) * 4;
        count = length;
        if (encoding == Encoding.FLOAT32) {
            payload = grads;
            payloadOffset = byteOffset;
            payloadBytes = length * 4;
        } else if (encoding == Encoding.SPARSE) {
            count = encodeSparse(grads, byteOffset / 4, length);
            payload = scratch;
            payloadOffset = 0;
            payloadBytes = count * 8;
        } else {
            payloadBytes = GradientCodec.encodeDense(encoding, grads, byteOffset, length, scratch);
            payload = scratch;
            payloadOffset = 0;
        }
    }

    DirectBuffer payload() {
        return payload;
    }

    int payloadOffset() {
        return payloadOffset;
    }

    int payloadBytes() {
        return payloadBytes;
    }

    /** Values in the payload: the chunk's length when dense, the (index, value) pairs when sparse. */
    int count() {
        return count;
    }

    /**
     * Error feedback: adds the residual to the chunk's gradient, sends the selected entries as (index, value) pairs
     * and keeps the rest in the residual for the next step.
     */
    private int encodeSparse(UnsafeBuffer grads, int first, int length) {
        // The chunk's gradient is staged in `magnitudes` with one copy, so that this loop runs over plain arrays
        // (vectorised) rather than one bounds-checked buffer read per value.
        grads.boundsCheck(first * 4, length * 4);
        UnsafeApi.copyMemory(grads.byteArray(), grads.addressOffset() + first * 4L, magnitudes, FLOAT_ARRAY_BASE,
                length * 4L);
        for (int i = 0; i < length; i++) {
            float r = residual[first + i] + magnitudes[i];
            residual[first + i] = r;
            magnitudes[i] = Math.abs(r);
        }
        int capacity = Math.max(1, length / 2);
        float threshold;
        if (sparseThreshold > 0) {
            threshold = (float) sparseThreshold;
        } else {
            int k = Math.min(capacity, Math.max(1, (int) Math.ceil(sparseFraction * length)));
            threshold = TopK.kthLargest(magnitudes, length, k);
        }
        int count = 0;
        for (int i = 0; i < length && count < capacity; i++) {
            float v = residual[first + i];
            if (Math.abs(v) >= threshold && v != 0f) {
                scratch.putInt(count * 8, i, ByteOrder.LITTLE_ENDIAN);
                scratch.putFloat(count * 8 + 4, v, ByteOrder.LITTLE_ENDIAN);
                residual[first + i] = 0f;
                count++;
            }
        }
        return count;
    }
}
