package io.orrery.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Lets OpenBLAS run its AVX-512 kernels where the CPU has them. ND4J 1.0.0-M2.1 bundles OpenBLAS 0.3.19, which does
 * not know AMD's AVX-512 cores (Zen 4) and runs its AVX2 "ZEN" kernels there, where PyTorch's OpenBLAS 0.3.21 runs
 * "COOPERLAKE" ones (docs/benchmarks.md: 1.09 instead of 1.52 ms for the MLP's 128x784x512 product). OpenBLAS reads
 * {@code OPENBLAS_CORETYPE} once, when its library loads, and a JVM cannot change its own environment, so the launcher
 * starts itself again with the variable set: only on Linux, only when the CPU has AVX-512 and the variable is not set
 * (a user's own setting, any value, is kept; {@code OPENBLAS_CORETYPE=ZEN} restores OpenBLAS's own choice here).
 */
final class BlasCoreType {

    static final String VARIABLE = "OPENBLAS_CORETYPE";

    private BlasCoreType() {
    }

    /**
     * The core type to set, from the environment and the CPU's flags: empty when the variable is set, or when the CPU
     * lacks the AVX-512 subsets OpenBLAS's SkylakeX kernels use; COOPERLAKE when it also has bfloat16, as newer
     * OpenBLAS chooses.
     */
    static Optional<String> choose(Map<String, String> env, Set<String> cpuFlags) {
        if (env.containsKey(VARIABLE)
                || !cpuFlags.containsAll(Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"))) {
            return Optional.empty();
        }
        return Optional.of(cpuFlags.contains("avx512_bf16") ? "COOPERLAKE" : "SKYLAKEX");
    }

    /**
     * Whether the JVM was started on this launcher itself ({@code java -jar orrery-examples.jar ...} or {@code java -cp
     * ... io.orrery.examples.OrreryCli ...}), from the {@code sun.java.command} property. Under {@code spark-submit} the
     * JVM runs Spark's own main, and running its command again would submit the application a second time.
     */
    static boolean launchedDirectly(String javaCommand) {
        String main = javaCommand.strip().split("\\s+", 2)[0];
        return main.endsWith(".jar") || main.equals(OrreryCli.class.getName());
    }

    /** The first CPU's flags from {@code /proc/cpuinfo}; empty where there is no such file. */
    static Set<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: keep OpenBLAS's own choice
        }
        return Set.of();
    }

    /**
     * Runs this JVM's command again with the core type set and returns its exit code, or empty when nothing is to be
     * set or the command line cannot be read (then the caller goes on in this JVM). Call before anything loads ND4J.
     */
    static OptionalInt relaunch() {
        Optional<String> type = choose(System.getenv(), cpuFlags());
        ProcessHandle.Info info = ProcessHandle.current().info();
        if (type.isEmpty() || !launchedDirectly(System.getProperty("sun.java.command", ""))
                || info.command().isEmpty() || info.arguments().isEmpty()) {
            return OptionalInt.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(info.command().get());
        command.addAll(List.of(info.arguments().get()));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put(VARIABLE, type.get());
        try {
            Process child = builder.start();
            Thread stop = new Thread(child::destroy, "orrery-relaunch-stop");
            Runtime.getRuntime().addShutdownHook(stop);
            int code = child.waitFor();
            Runtime.getRuntime().removeShutdownHook(stop);
            return OptionalInt.of(code);
        } catch (IOException e) {
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.of(130);
        }
    }
}
