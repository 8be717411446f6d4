package io.orrery.examples.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The Java 17 module flags ({@code --add-opens}) that Spark, ND4J and Aeron need, as this JVM got them: from its
 * command line, or from the {@code Add-Opens} attribute of the jar it was started from ({@code java -jar}). A JVM
 * this one launches (an executor, a benchmark's child run) needs them on its command line, because a manifest's
 * {@code Add-Opens} applies only to {@code java -jar}.
 */
public final class ModuleFlags {

    private ModuleFlags() {
    }

    /** This JVM's module flags, space-separated; empty when it has none. */
    public static String ofThisJvm(Class<?> anchor) {
        Set<String> flags = new LinkedHashSet<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens=") || arg.startsWith("--add-exports=")) {
                flags.add(arg);
            }
        }
        String jar = jarOf(anchor);
        if (jar != null) {
            flags.addAll(Set.of(fromManifest(jar).split(" ")));
            flags.remove("");
        }
        return String.join(" ", flags);
    }

    /** The jar a class was loaded from, or null when it came from a directory (a build's classes). */
    public static String jarOf(Class<?> anchor) {
        var source = anchor.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        String path = source.getLocation().getPath();
        return path.endsWith(".jar") ? path : null;
    }

    /** A jar manifest's {@code Add-Opens} packages as {@code --add-opens=module/package=ALL-UNNAMED} flags. */
    public static String fromManifest(String jar) {
        try (JarFile file = new JarFile(jar)) {
            Manifest manifest = file.getManifest();
            String packages = manifest == null ? null : manifest.getMainAttributes().getValue("Add-Opens");
            if (packages == null) {
                return "";
            }
            StringBuilder flags = new StringBuilder();
            for (String p : packages.trim().split("\\s+")) {
                flags.append(flags.length() == 0 ? "" : " ").append("--add-opens=").append(p).append("=ALL-UNNAMED");
            }
            return flags.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + jar + ": " + e.getMessage(), e);
        }
    }
}
