package io.orrery.core.optimizers;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizersTest {

    @Test
    void kerasStringNamesGiveKerasDefaults() {
        assertInstanceOf(SGD.class, Optimizers.get("sgd"));
        assertInstanceOf(SGD.class, Optimizers.get("SGD"));
        assertInstanceOf(RMSprop.class, Optimizers.get("rmsprop"));
        assertInstanceOf(Adam.class, Optimizers.get("adam"));
        assertInstanceOf(Adagrad.class, Optimizers.get("adagrad"));
        assertInstanceOf(Adadelta.class, Optimizers.get("adadelta"));
        Map<String, Object> rmsprop = Optimizers.get("rmsprop").getConfig();
        assertEquals(0.001, rmsprop.get("learning_rate"));
        assertEquals(0.9, rmsprop.get("rho"));
        assertEquals(0.0, rmsprop.get("momentum"));
        assertEquals(1e-7, rmsprop.get("epsilon"));
        assertEquals(false, rmsprop.get("centered"));
        Map<String, Object> adam = Optimizers.get("adam").getConfig();
        assertEquals(0.9, adam.get("beta_1"));
        assertEquals(0.999, adam.get("beta_2"));
        assertEquals(0.1, Optimizers.get("adagrad").getConfig().get("initial_accumulator_value"));
        assertEquals(0.95, Optimizers.get("adadelta").getConfig().get("rho"));
        assertEquals(0.01, Optimizers.get("sgd").getConfig().get("learning_rate"));
    }

    @Test
    void unknownNameListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.get("adamw"));
        assertTrue(e.getMessage().contains("adamw") && e.getMessage().contains("rmsprop") && e.getMessage().contains("adadelta"),
                e.getMessage());
    }

    @Test
    void kerasSerializedFormWithBaseDefaultsLoads() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("name", "adam");
        inner.put("learning_rate", 0.002);
        inner.put("weight_decay", null);
        inner.put("clipnorm", null);
        inner.put("use_ema", false);
        inner.put("ema_momentum", 0.99);
        inner.put("beta_1", 0.8);
        inner.put("amsgrad", true);
        Optimizer adam = Optimizers.fromConfig(Map.of("class_name", "Adam", "config", inner));
        assertEquals(0.002, adam.learningRate(0));
        assertEquals(0.8, adam.getConfig().get("beta_1"));
        assertEquals(true, adam.getConfig().get("amsgrad"));
        assertEquals(0.999, adam.getConfig().get("beta_2"));
    }

    @Test
    void scheduleInConfigRoundTrips() {
        Optimizer sgd = new SGD(new ExponentialDecay(0.1, 100, 0.96, true), 0.9, true);
        Object lr = sgd.getConfig().get("learning_rate");
        assertInstanceOf(Map.class, lr);
        assertEquals("ExponentialDecay", ((Map<?, ?>) lr).get("class_name"));
        Optimizer rebuilt = Optimizers.fromConfig(sgd.getConfig());
        assertEquals(0.1 * 0.96, rebuilt.learningRate(150), 1e-15);
    }

    private static Map<String, Object> config(String name, Object... keyValues) {
        Map<String, Object> config = new HashMap<>();
        config.put("name", name);
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put((String) keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    private static String rejected(Map<String, Object> config) {
        return assertThrows(IllegalArgumentException.class, () -> Optimizers.fromConfig(config)).getMessage();
    }

    @Test
    void badConfigurationsAreRefusedWithTheReason() {
        assertTrue(rejected(config("rmsprop", "learning_rate", -0.1)).contains("learning_rate >= 0"));
        assertTrue(rejected(config("rmsprop", "rho", 1.0)).contains("rho in [0, 1)"));
        assertTrue(rejected(config("rmsprop", "rho", -0.5)).contains("found -0.5"));
        assertTrue(rejected(config("sgd", "momentum", 1.5)).contains("momentum in [0, 1]"));
        assertTrue(rejected(config("adam", "beta_1", 1.0)).contains("beta_1"));
        assertTrue(rejected(config("adam", "beta_2", Double.NaN)).contains("beta_2"));
        assertTrue(rejected(config("adagrad", "epsilon", -1e-7)).contains("epsilon"));
        assertTrue(rejected(config("adadelta", "rho", 2)).contains("rho"));
        assertTrue(rejected(config("adam", "learning_rat", 0.1)).contains("unknown setting \"learning_rat\""));
        assertTrue(rejected(config("adam", "learning_rate", "fast")).contains("found String \"fast\""));
        assertTrue(rejected(config("adam", "clipnorm", 1.0)).contains("not supported"));
        assertTrue(rejected(config("nadam")).contains("nadam"));
        assertTrue(rejected(new HashMap<>()).contains("\"name\""));
        assertThrows(IllegalArgumentException.class, () -> new RMSprop(-1));
        assertThrows(IllegalArgumentException.class, () -> RMSprop.builder().rho(1.0).build());
    }
}
