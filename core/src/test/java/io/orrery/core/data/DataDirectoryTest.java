package io.orrery.core.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where the dataset cache is: system property, then environment, then the home directory. */
class DataDirectoryTest {

    private static Path resolve(Map<String, String> properties, Map<String, String> env) {
        return DataDirectory.resolve(properties::get, env::get);
    }

    @Test
    void systemPropertyWinsOverEnvironment() {
        assertEquals(Path.of("/data/prop"), resolve(
                Map.of("orrery.data.dir", "/data/prop", "user.home", "/home/u"),
                Map.of("ORRERY_DATA_DIR", "/data/env")));
    }

    @Test
    void environmentWinsOverDefault() {
        assertEquals(Path.of("/data/env"), resolve(Map.of("user.home", "/home/u"),
                Map.of("ORRERY_DATA_DIR", "/data/env")));
    }

    @Test
    void defaultIsUnderTheHomeDirectory() {
        assertEquals(Path.of("/home/u/.orrery/datasets"), resolve(Map.of("user.home", "/home/u"), Map.of()));
        assertEquals(Path.of("/home/u/.orrery/datasets"), resolve(Map.of("user.home", "/home/u",
                "orrery.data.dir", "  "), Map.of("ORRERY_DATA_DIR", "")));
    }

    @Test
    void leadingTildeMeansHome() {
        assertEquals(Path.of("/home/u/data"), resolve(Map.of("user.home", "/home/u"),
                Map.of("ORRERY_DATA_DIR", "~/data")));
    }

    @Test
    void eachDatasetHasItsOwnFolder() {
        Path root = DataDirectory.root();
        assertEquals(root.resolve("mnist"), DataDirectory.of(Mnist.DESCRIPTOR));
        assertEquals(root.resolve("fashion-mnist"), DataDirectory.of(FashionMnist.DESCRIPTOR));
    }
}
