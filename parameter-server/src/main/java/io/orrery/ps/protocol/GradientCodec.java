package io.orrery.ps.protocol;

import io.orrery.ps.protocol.sbe.Encoding;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Encodes a chunk of float32 gradient values into a payload and, on the server, checks a payload and adds it
 * straight into an accumulator. Encodings: dense float32, float16 and bfloat16 (round to nearest even), and
 * sparse (int32 index within the chunk, float32 value) pairs.
 */
public final class GradientCodec {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** The wire is little endian; on little-endian hosts (x86, ARM) float32 payloads are read without swapping. */
    private static final boolean NATIVE_LE = ByteOrder.nativeOrder() == LE;
    /** The real encodings, without SBE's NULL_VAL (a copy: {@code values()} allocates on every call). */
    private static final Encoding[] ENCODINGS = Arrays.stream(Encoding.values())
            .filter(e -> e != Encoding.NULL_VAL).toArray(Encoding[]::new);

    private GradientCodec() {
    }

    /**
     * The encoding a raw wire value names, or null when it names none this build knows (including SBE's null value).
     * Decoders call this before the generated {@code encoding()} accessor, which throws on an unknown value.
     */
    public static Encoding encodingOf(short raw) {
        for (Encoding e : ENCODINGS) {
            if (e.value() == raw) {
                return e;
            }
        }
        return null;
    }

    /** Bytes per element of a dense encoding, or per (index, value) pair for SPARSE. */
    public static int bytesPerElement(Encoding encoding) {
        switch (encoding) {
            case FLOAT32:
                return 4;
            case FLOAT16:
            case BFLOAT16:
                return 2;
            case SPARSE:
                return 8;
            default:
                throw new IllegalArgumentException("unknown encoding " + encoding);
        }
    }

    /**
     * Checks a received payload before any of it is used: the length must match the element count (for dense
     * encodings the element count must equal the chunk's length, for sparse at most that), every sparse index must
     * lie in the chunk, sparse indices must be strictly increasing (the one canonical form: no index twice, so a
     * payload cannot add to one value many times) and every value must be finite.
     *
     * @param encoding as returned by {@link #encodingOf}: null or NULL_VAL (never a real encoding) is BAD_ENCODING
     * @return null when acceptable, else the reason to drop it
     */
    public static DropReason check(Encoding encoding, DirectBuffer payload, int elementCount, int chunkLength) {
        if (encoding == null || encoding == Encoding.NULL_VAL) {
            return DropReason.BAD_ENCODING;
        }
        if (encoding == Encoding.SPARSE ? elementCount < 0 || elementCount > chunkLength : elementCount != chunkLength) {
            return DropReason.BAD_LENGTH;
        }
        if ((long) elementCount * bytesPerElement(encoding) != payload.capacity()) {
            return DropReason.BAD_LENGTH;
        }
        switch (encoding) {
            case FLOAT32:
                if (NATIVE_LE) {
                    for (int i = 0; i < elementCount; i++) {
                        if (!Float.isFinite(payload.getFloat(i * 4))) {
                            return DropReason.NON_FINITE;
                        }
                    }
                    return null;
                }
                for (int i = 0; i < elementCount; i++) {
                    if (!Float.isFinite(payload.getFloat(i * 4, LE))) {
                        return DropReason.NON_FINITE;
                    }
                }
                return null;
            case FLOAT16:
                for (int i = 0; i < elementCount; i++) {
                    if ((payload.getShort(i * 2, LE) & 0x7c00) == 0x7c00) {
                        return DropReason.NON_FINITE;
                    }
                }
                return null;
            case BFLOAT16:
                for (int i = 0; i < elementCount; i++) {
                    if ((payload.getShort(i * 2, LE) & 0x7f80) == 0x7f80) {
                        return DropReason.NON_FINITE;
                    }
                }
                return null;
            case SPARSE:
                int previous = -1;
                for (int i = 0; i < elementCount; i++) {
                    int index = payload.getInt(i * 8, LE);
                    if (index < 0 || index >= chunkLength) {
                        return DropReason.BAD_LENGTH;
                    }
                    if (index <= previous) {
                        return DropReason.NOT_CANONICAL;
                    }
                    previous = index;
                    if (!Float.isFinite(payload.getFloat(i * 8 + 4, LE))) {
                        return DropReason.NON_FINITE;
                    }
                }
                return null;
            default:
                return DropReason.BAD_ENCODING;
        }
    }

    /** The largest magnitude in a payload {@link #check} accepted (for dense float32 see {@link Float32Ingest}). */
    public static float maxAbs(Encoding encoding, DirectBuffer payload, int elementCount) {
        float max = 0f;
        switch (encoding) {
            case FLOAT32:
                for (int i = 0; i < elementCount; i++) {
                    max = Math.max(max, Math.abs(payload.getFloat(i * 4, LE)));
                }
                return max;
            case FLOAT16:
                return 65504f; // the largest half: never the cause of an overflow of fewer than 5e33 workers
            case BFLOAT16:
                for (int i = 0; i < elementCount; i++) {
                    max = Math.max(max, Math.abs(bfloat16ToFloat(payload.getShort(i * 2, LE))));
                }
                return max;
            case SPARSE:
                for (int i = 0; i < elementCount; i++) {
                    max = Math.max(max, Math.abs(payload.getFloat(i * 8 + 4, LE)));
                }
                return max;
            default:
                throw new IllegalArgumentException("unknown encoding " + encoding);
        }
    }

    /**
     * Adds a checked payload into {@code accumulator} (native-order float32) starting at byte {@code accOffset}:
     * the element-wise sum is done in place, reading straight from the received buffer.
     */
    public static void addInto(Encoding encoding, DirectBuffer payload, int elementCount,
                               MutableDirectBuffer accumulator, int accOffset) {
        switch (encoding) {
            case FLOAT32:
                if (NATIVE_LE) {
                    for (int i = 0; i < elementCount; i++) {
                        int at = accOffset + i * 4;
                        accumulator.putFloat(at, accumulator.getFloat(at) + payload.getFloat(i * 4));
                    }
                } else {
                    for (int i = 0; i < elementCount; i++) {
                        int at = accOffset + i * 4;
                        accumulator.putFloat(at, accumulator.getFloat(at) + payload.getFloat(i * 4, LE));
                    }
                }
                break;
            case FLOAT16:
                for (int i = 0; i < elementCount; i++) {
                    int at = accOffset + i * 4;
                    accumulator.putFloat(at, accumulator.getFloat(at) + halfToFloat(payload.getShort(i * 2, LE)));
                }
                break;
            case BFLOAT16:
                for (int i = 0; i < elementCount; i++) {
                    int at = accOffset + i * 4;
                    accumulator.putFloat(at, accumulator.getFloat(at) + bfloat16ToFloat(payload.getShort(i * 2, LE)));
                }
                break;
            case SPARSE:
                for (int i = 0; i < elementCount; i++) {
                    int at = accOffset + payload.getInt(i * 8, LE) * 4;
                    accumulator.putFloat(at, accumulator.getFloat(at) + payload.getFloat(i * 8 + 4, LE));
                }
                break;
            default:
                throw new IllegalArgumentException("unknown encoding " + encoding);
        }
    }

    /**
     * Encodes {@code count} dense values from {@code src} (native-order float32 at byte {@code srcOffset}) into
     * {@code dst} for a dense encoding.
     *
     * @return payload length in bytes
     */
    public static int encodeDense(Encoding encoding, DirectBuffer src, int srcOffset, int count, MutableDirectBuffer dst) {
        switch (encoding) {
            case FLOAT32:
                dst.putBytes(0, src, srcOffset, count * 4);
                return count * 4;
            case FLOAT16:
                for (int i = 0; i < count; i++) {
                    dst.putShort(i * 2, floatToHalf(src.getFloat(srcOffset + i * 4)), LE);
                }
                return count * 2;
            case BFLOAT16:
                for (int i = 0; i < count; i++) {
                    dst.putShort(i * 2, floatToBfloat16(src.getFloat(srcOffset + i * 4)), LE);
                }
                return count * 2;
            default:
                throw new IllegalArgumentException("not a dense encoding: " + encoding);
        }
    }

    /** IEEE half precision to float (exact). */
    public static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) {
            float v = mantissa * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exponent == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** Float to IEEE half precision, rounding to nearest even; overflow gives infinity. */
    public static short floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fffffff;
        if (magnitude > 0x7f800000) {
            return (short) (sign | 0x7e00);
        }
        if (magnitude >= 0x477ff000) {
            return (short) (sign | 0x7c00);
        }
        if (magnitude >= 0x38800000) {
            int rounded = magnitude - 0x38000000 + 0xfff + ((magnitude >>> 13) & 1);
            return (short) (sign | (rounded >>> 13));
        }
        if (magnitude <= 0x33000000) {
            return (short) sign;
        }
        int exponent = magnitude >>> 23;
        int mantissa = (magnitude & 0x7fffff) | 0x800000;
        int shift = 126 - exponent;
        int rounded = mantissa + (1 << (shift - 1)) - 1 + ((mantissa >>> shift) & 1);
        return (short) (sign | (rounded >>> shift));
    }

    public static float bfloat16ToFloat(short value) {
        return Float.intBitsToFloat((value & 0xffff) << 16);
    }

    /** Float to bfloat16, rounding to nearest even; NaN stays NaN. */
    public static short floatToBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
