package io.orrery.core.tensor;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Process-wide numeric settings, as {@code keras.backend}: the default float type of new weights and constants.
 */
public final class Backend {

    private static volatile DataType floatx = DataType.FLOAT;

    private Backend() {
    }

    /** The float type of new weights and constants ({@code float32} unless changed). */
    public static DataType floatx() {
        return floatx;
    }

    /** Sets the default float type; tests use {@code DOUBLE} for finite-difference gradient checks. */
    public static void setFloatx(DataType type) {
        if (!type.isFPType()) {
            throw new IllegalArgumentException("floatx must be a floating-point type, found " + type);
        }
        floatx = type;
    }
}
