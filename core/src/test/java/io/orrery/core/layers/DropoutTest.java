package io.orrery.core.layers;

import io.orrery.core.models.Sequential;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dropout's seed is configuration, as in Keras: replicas rebuilt from the configuration draw the same masks. */
class DropoutTest {

    private static final INDArray ONES = Nd4j.ones(DataType.FLOAT, 8, 50);

    private static List<INDArray> masks(Dropout dropout, int count) {
        List<INDArray> masks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            masks.add(dropout.forward(ONES, true).dup());
        }
        return masks;
    }

    @Test
    void theSeedSurvivesGetConfigAndFromConfig() {
        Dropout original = new Dropout(0.3, 42);
        original.setName("drop");
        Map<String, Object> config = original.getConfig();

        assertEquals(42L, ((Number) config.get("seed")).longValue());
        Dropout rebuilt = Dropout.fromConfig(config);
        assertEquals(config, rebuilt.getConfig());
    }

    @Test
    void replicasRebuiltFromTheConfigurationReproduceTheMasks() {
        Dropout original = new Dropout(0.5, 7);
        Dropout first = Dropout.fromConfig(original.getConfig());
        Dropout second = Dropout.fromConfig(original.getConfig());

        List<INDArray> expected = masks(original, 3);
        assertEquals(expected, masks(first, 3));
        assertEquals(expected, masks(second, 3));
        assertNotEquals(expected.get(0), expected.get(1), "successive masks differ");
        double dropped = expected.get(0).scan(Conditions.equals(0)).doubleValue();
        assertTrue(dropped > 100 && dropped < 300, "about half of 400 dropped, found " + dropped);
    }

    @Test
    void replicasOfAModelRebuiltFromItsJsonReproduceTheMasks() {
        Sequential model = new Sequential(List.of(new Dense(50, "linear"), new Dropout(0.4, 3)));
        String json = model.toJson();
        Dropout a = (Dropout) Sequential.fromJson(json).layers().get(1);
        Dropout b = (Dropout) Sequential.fromJson(json).layers().get(1);

        assertEquals(masks(a, 2), masks(b, 2));
    }

    @Test
    void anUnseededDropoutKeepsKerasNullSeed() {
        Map<String, Object> config = new Dropout(0.2).getConfig();

        assertTrue(config.containsKey("seed"));
        assertNull(config.get("seed"));
        assertNull(Dropout.fromConfig(config).getConfig().get("seed"));
    }
}
