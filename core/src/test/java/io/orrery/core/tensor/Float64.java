package io.orrery.core.tensor;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Runs each test of a class in float64 and puts float32 back after it, whatever the test did
 * ({@code @ExtendWith(Float64.class)}): finite differences need float64, and the next test class must not inherit it.
 */
public final class Float64 implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        Backend.setFloatx(DataType.DOUBLE);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Backend.setFloatx(DataType.FLOAT);
    }
}
