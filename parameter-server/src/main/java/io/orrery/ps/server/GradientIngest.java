package io.orrery.ps.server;

import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.Float32Ingest;
import io.orrery.ps.protocol.GradientCodec;
import io.orrery.ps.protocol.sbe.Encoding;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checks a gradient chunk's payload and adds it into an accumulator, straight from the Aeron log: float32 through
 * the vectorised {@link Float32Ingest} where the platform allows, every other encoding through
 * {@link GradientCodec}.
 */
final class GradientIngest {

    private final Float32Ingest float32;
    private float lastMaxAbs;

    /** @param maxChunk elements of the longest chunk */
    GradientIngest(int maxChunk) {
        this.float32 = new Float32Ingest(maxChunk);
    }

    /** @return null when the payload can be added, else why it is dropped (bad length, non-finite value ...) */
    DropReason check(Encoding encoding, DirectBuffer payload, int elementCount, int chunkLength) {
        if (fastFloat32(encoding)) {
            DropReason bad = float32.check(payload, elementCount, chunkLength);
            lastMaxAbs = float32.lastMaxAbs();
            return bad;
        }
        DropReason bad = GradientCodec.check(encoding, payload, elementCount, chunkLength);
        lastMaxAbs = bad == null ? GradientCodec.maxAbs(encoding, payload, elementCount) : 0f;
        return bad;
    }

    /** The largest magnitude in the payload the last {@link #check} accepted. */
    float lastMaxAbs() {
        return lastMaxAbs;
    }

    /** Adds a payload that {@link #check} accepted just before, at {@code byteOffset} of {@code accumulator}. */
    void add(Encoding encoding, DirectBuffer payload, int elementCount, UnsafeBuffer accumulator, int byteOffset) {
        if (fastFloat32(encoding)) {
            float32.addChecked(accumulator, byteOffset);
        } else {
            GradientCodec.addInto(encoding, payload, elementCount, accumulator, byteOffset);
        }
    }

    private static boolean fastFloat32(Encoding encoding) {
        return encoding == Encoding.FLOAT32 && Float32Ingest.supported();
    }
}
