package io.orrery.examples.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How executor JVMs that Spark launches for a program started by plain {@code java} (not spark-submit, which ships
 * the application jar itself) get Orrery's classes and the module flags they need: the one place both
 * {@code spark-train} and the benchmark's cluster rows take these settings from.
 */
public final class ExecutorCode {

    private ExecutorCode() {
    }

    /**
     * Spark settings, name to value: {@code spark.jars} with the jar {@code anchor} was loaded from (or, running from
     * a build's classes, {@code spark.executor.extraClassPath} with this JVM's class path), and
     * {@code spark.executor.extraJavaOptions} with this JVM's module flags when it has any.
     */
    public static Map<String, String> settings(Class<?> anchor) {
        Map<String, String> conf = new LinkedHashMap<>();
        String jar = ModuleFlags.jarOf(anchor);
        if (jar != null) {
            // The examples jar holds Spark too: shipped as spark.jars it loads in the executor's user class loader,
            // behind the cluster's Spark. On the system class path its second copy of Spark breaks the
            // deserialisation of Spark's own lambdas ("cannot assign SerializedLambda to ... scala.Function3").
            conf.put("spark.jars", jar);
        } else {
            conf.put("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        }
        // the executors need the same module openings as this JVM (Agrona reaches jdk.internal.misc.Unsafe)
        String flags = ModuleFlags.ofThisJvm(anchor);
        if (!flags.isEmpty()) {
            conf.put("spark.executor.extraJavaOptions", flags);
        }
        return conf;
    }
}
