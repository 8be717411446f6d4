package io.orrery.ps.transport;

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
}
