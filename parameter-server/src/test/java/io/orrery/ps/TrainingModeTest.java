package io.orrery.ps;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingModeTest {

    @Test
    void parsesTheCommandLineFormsAndNamesThemAsTheLogsDo() {
        assertEquals(TrainingMode.SYNC, TrainingMode.parse(" Sync "));
        assertEquals(TrainingMode.ASYNC, TrainingMode.parse("ASYNC"));
        assertEquals(TrainingMode.bounded(3), TrainingMode.parse("bounded:3"));
        assertNotEquals(TrainingMode.bounded(3), TrainingMode.bounded(2));
        assertEquals("BOUNDED(3)", TrainingMode.bounded(3).toString());
        assertTrue(TrainingMode.SYNC.isSync());
        assertFalse(TrainingMode.bounded(1).isSync());
    }

    @Test
    void rejectsWhatIsNoModeWithTheAcceptedForms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingMode.parse("avg"));
        assertTrue(e.getMessage().contains("[sync, async, bounded:<steps>]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainingMode.bounded(0));
        assertTrue(e.getMessage().contains("TrainingMode.SYNC"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradientEncoding.parse("int8"));
    }

    @Test
    void survivesJavaSerializationAsSparkShipsIt() throws Exception {
        for (TrainingMode mode : new TrainingMode[]{TrainingMode.SYNC, TrainingMode.ASYNC, TrainingMode.bounded(4)}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(mode);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                assertEquals(mode, in.readObject());
            }
        }
    }
}
