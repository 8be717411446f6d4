package io.orrery.core.models;

import io.orrery.core.layers.Dense;
import io.orrery.core.layers.Dropout;
import io.orrery.core.layers.Flatten;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code model.summary()} prints Keras's table: names, output shapes, parameter counts, totals. */
class SummaryTest {

    @Test
    void referenceModelSummaryIsKerasTable() {
        Sequential model = new Sequential(List.of(new Dense(512, "relu").setName("dense"), new Dense(10, "softmax").setName("dense_1")));
        model.build(784);
        String expected = String.join("\n",
                "Model: \"sequential\"",
                "_________________________________________________________________",
                " Layer (type)                Output Shape              Param #",
                "=================================================================",
                " dense (Dense)               (None, 512)               401920",
                " ",
                " dense_1 (Dense)             (None, 10)                5130",
                "=================================================================",
                "Total params: 407,050",
                "Trainable params: 407,050",
                "Non-trainable params: 0",
                "_________________________________________________________________");
        assertEquals(expected, model.summary());
        assertEquals(407_050, model.countParams());
        assertEquals(407_050, model.parameters().length());
    }

    @Test
    void layersAreNamedAsKerasNamesThem() {
        // unique per process: the first of a kind gets the bare name (if no other test made one first), later ones _1, _2...
        Dense a = new Dense(1);
        Dense b = new Dense(1);
        assertTrue(a.name().matches("dense(_\\d+)?"), a.name());
        int na = a.name().equals("dense") ? 0 : Integer.parseInt(a.name().substring(6));
        assertEquals("dense_" + (na + 1), b.name());
    }

    @Test
    void flattenAndDropoutShowShapesAndNoParameters() {
        Sequential model = new Sequential(List.of(new Flatten().setName("flatten"), new Dense(128, "relu").setName("hidden"),
                new Dropout(0.2).setName("dropout"), new Dense(10, "softmax").setName("out"))).setName("mnist_mlp");
        model.build(28, 28);
        String s = model.summary();
        assertTrue(s.startsWith("Model: \"mnist_mlp\"\n"), s);
        assertTrue(s.contains(" flatten (Flatten)           (None, 784)               0\n"), s);
        assertTrue(s.contains(" hidden (Dense)              (None, 128)               100480\n"), s);
        assertTrue(s.contains(" dropout (Dropout)           (None, 128)               0\n"), s);
        assertTrue(s.contains(" out (Dense)                 (None, 10)                1290\n"), s);
        assertTrue(s.contains("Total params: 101,770\n"), s);
    }
}
