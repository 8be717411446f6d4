package io.orrery.examples.cluster;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutorCodeTest {

    @Test
    void aClassFromAJarShipsThatJar() {
        Map<String, String> conf = ExecutorCode.settings(CommandLine.class);
        assertTrue(conf.get("spark.jars").endsWith(".jar") && conf.get("spark.jars").contains("picocli"), conf.toString());
        assertFalse(conf.containsKey("spark.executor.extraClassPath"), conf.toString());
    }

    @Test
    void classesFromABuildFolderShipThisJvmsClassPath() {
        Map<String, String> conf = ExecutorCode.settings(ExecutorCodeTest.class);
        assertEquals(System.getProperty("java.class.path"), conf.get("spark.executor.extraClassPath"));
        assertFalse(conf.containsKey("spark.jars"), conf.toString());
    }

    @Test
    void moduleFlagsAreThisJvmsWhenItHasAny() {
        Map<String, String> conf = ExecutorCode.settings(ExecutorCodeTest.class);
        String flags = ModuleFlags.ofThisJvm(ExecutorCodeTest.class);
        assertEquals(flags.isEmpty() ? null : flags, conf.get("spark.executor.extraJavaOptions"));
    }
}
