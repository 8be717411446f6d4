package io.orrery.ps.protocol;

import io.orrery.ps.GradientEncoding;
import io.orrery.ps.TrainingMode;
import io.orrery.ps.protocol.sbe.Encoding;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WireValuesTest {

    @Test
    void everyModeAndEncodingGoesOnTheWireAndComesBackTheSame() {
        for (TrainingMode mode : new TrainingMode[]{TrainingMode.SYNC, TrainingMode.ASYNC, TrainingMode.bounded(5)}) {
            assertEquals(mode, WireValues.mode(WireValues.mode(mode), WireValues.stalenessBound(mode)));
        }
        assertEquals(io.orrery.ps.protocol.sbe.TrainingMode.BOUNDED, WireValues.mode(TrainingMode.bounded(5)));
        assertEquals(5, WireValues.stalenessBound(TrainingMode.bounded(5)));
        for (GradientEncoding encoding : GradientEncoding.values()) {
            assertEquals(encoding, WireValues.encoding(WireValues.encoding(encoding)));
        }
    }

    @Test
    void aValueThisVersionDoesNotKnowIsRefusedWithAMessage() {
        assertThrows(IllegalArgumentException.class,
                () -> WireValues.mode(io.orrery.ps.protocol.sbe.TrainingMode.NULL_VAL, 0));
        assertThrows(IllegalArgumentException.class, () -> WireValues.encoding(Encoding.NULL_VAL));
        assertThrows(IllegalArgumentException.class,
                () -> WireValues.mode(io.orrery.ps.protocol.sbe.TrainingMode.BOUNDED, 0));
    }
}
