package io.orrery.spark;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkMastersTest {

    @Test
    void onlyLocalModeRunsEveryTaskInTheDriversJvm() {
        for (String single : new String[]{"local", "local[2]", "local[*]", "local[2,3]"}) {
            assertTrue(SparkMasters.isSingleJvm(single), single);
        }
        for (String cluster : new String[]{"local-cluster[2,1,1024]", "spark://h:7077", "yarn", "k8s://h", null}) {
            assertFalse(SparkMasters.isSingleJvm(cluster), String.valueOf(cluster));
        }
    }
}
