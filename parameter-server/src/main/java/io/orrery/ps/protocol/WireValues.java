package io.orrery.ps.protocol;

import io.orrery.ps.GradientEncoding;
import io.orrery.ps.TrainingMode;
import io.orrery.ps.protocol.sbe.Encoding;

/**
 * The one mapping between the parameter server's public types ({@link TrainingMode}, {@link GradientEncoding}) and
 * the generated codecs' enums. Nothing outside this package sees the generated {@code TrainingMode}.
 */
public final class WireValues {

    private WireValues() {
    }

    /** The wire value of {@code mode}; its bound travels separately ({@link #stalenessBound}). */
    static io.orrery.ps.protocol.sbe.TrainingMode mode(TrainingMode mode) {
        if (mode instanceof TrainingMode.Bounded) {
            return io.orrery.ps.protocol.sbe.TrainingMode.BOUNDED;
        }
        return mode.isSync() ? io.orrery.ps.protocol.sbe.TrainingMode.SYNC : io.orrery.ps.protocol.sbe.TrainingMode.ASYNC;
    }

    /** The JoinAck's {@code stalenessBound} field: the bound in BOUNDED mode, else 0. */
    static int stalenessBound(TrainingMode mode) {
        return mode instanceof TrainingMode.Bounded bounded ? bounded.steps() : 0;
    }

    /**
     * The mode a JoinAck names.
     *
     * @throws IllegalArgumentException for a value this version does not know, or a bound below 1
     */
    public static TrainingMode mode(io.orrery.ps.protocol.sbe.TrainingMode wire, int stalenessBound) {
        switch (wire) {
            case SYNC:
                return TrainingMode.SYNC;
            case ASYNC:
                return TrainingMode.ASYNC;
            case BOUNDED:
                return TrainingMode.bounded(stalenessBound);
            default:
                throw new IllegalArgumentException("unknown training mode on the wire: expected SYNC, ASYNC or BOUNDED,"
                        + " found " + wire + "; is the server a newer version than this worker?");
        }
    }

    /** The wire value of {@code encoding}. */
    public static Encoding encoding(GradientEncoding encoding) {
        return Encoding.valueOf(encoding.name());
    }

    /**
     * The encoding a message names.
     *
     * @throws IllegalArgumentException for a value this version does not know
     */
    public static GradientEncoding encoding(Encoding wire) {
        if (wire == null || wire == Encoding.NULL_VAL) {
            throw new IllegalArgumentException("unknown gradient encoding on the wire: expected one of FLOAT32, FLOAT16,"
                    + " BFLOAT16, SPARSE, found " + wire + "; is the server a newer version than this worker?");
        }
        return GradientEncoding.valueOf(wire.name());
    }
}
