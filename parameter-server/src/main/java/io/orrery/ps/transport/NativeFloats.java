package io.orrery.ps.transport;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Wraps the off-heap memory of a contiguous float32 ND4J vector in an Agrona buffer, so that chunks go between the
 * Aeron log and a model's flat buffer with no intermediate copy (docs/architecture.md, invariant 1).
 */
public final class NativeFloats {

    private NativeFloats() {
    }

    /**
     * Points {@code target} at the elements of {@code array}.
     *
     * @param what name of the argument, for the error message
     * @throws IllegalArgumentException if the array is not a contiguous float32 vector in host memory
     */
    public static UnsafeBuffer wrap(INDArray array, UnsafeBuffer target, String what) {
        if (array.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException(what + ": expected a FLOAT (float32) array, found " + array.dataType()
                    + "; cast it with castTo(DataType.FLOAT) once, outside the training loop");
        }
        if (array.length() > 1 && (!array.isVector() || array.elementWiseStride() != 1)) {
            throw new IllegalArgumentException(what + ": expected a contiguous flat vector, found shape "
                    + Arrays.toString(array.shape()) + " with element stride " + array.elementWiseStride()
                    + "; pass the model's flat buffer (model.parameters() / model.gradients())");
        }
        long bytes = array.length() * 4L;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + ": " + array.length() + " elements exceed one buffer's 2 GiB");
        }
        long address = array.data().address() + array.offset() * 4L;
        target.wrap(address, (int) bytes);
        return target;
    }

    /**
     * Whether every float32 value of {@code buffer} is finite, by a loop in Java: ND4J's
     * {@code BooleanIndexing.or(array, Conditions.notFinite())} took 3-8 ms over the 407,050 values of the reference
     * MLP, several times the optimizer's own update, on every step of the server (a 100-step loop over
     * {@code RangedStep} with RMSprop, 2026-12-03, under load; not kept as a benchmark).
     */
    public static boolean allFinite(DirectBuffer buffer) {
        return allFinite(buffer, 0, buffer.capacity() / 4);
    }

    /** Whether float32 values {@code [fromElement, toElement)} of {@code buffer} are all finite (see above). */
    public static boolean allFinite(DirectBuffer buffer, int fromElement, int toElement) {
        // Staged through a heap block, on which C2 vectorises the max-of-|v| reduction (a loop of buffer reads it
        // does not); Math.max keeps a NaN, and an infinity is the largest, so one comparison at the end decides.
        if (fromElement < toElement) {
            buffer.boundsCheck(fromElement * 4, (toElement - fromElement) * 4);
        }
        float[] block = BLOCK.get();
        float maxAbs = 0f;
        for (int from = fromElement; from < toElement; from += block.length) {
            int n = Math.min(block.length, toElement - from);
            UnsafeApi.copyMemory(buffer.byteArray(), buffer.addressOffset() + from * 4L, block, FLOAT_BASE, n * 4L);
            for (int i = 0; i < n; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(block[i]));
            }
        }
        return maxAbs <= Float.MAX_VALUE;
    }

    private static final ThreadLocal<float[]> BLOCK = ThreadLocal.withInitial(() -> new float[4096]);
    private static final long FLOAT_BASE = UnsafeApi.arrayBaseOffset(float[].class);

}
