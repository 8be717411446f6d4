package io.orrery.examples.bench;

import java.nio.file.Path;

/**
 * The JVM of one Orrery row on a {@code local-cluster}: started by {@link ClusterRowLauncher} with
 * {@code SPARK_HOME} in its environment, it trains and prints the row on one line for the harness to read.
 *
 * <pre>
 * java ... io.orrery.examples.bench.OrreryClusterRow '{"system":"orrery","master":"local-cluster[2,1,2048]",...}' [MNIST_DIR]
 * </pre>
 */
public final class OrreryClusterRow {

    private OrreryClusterRow() {
    }

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: OrreryClusterRow CONFIG_JSON [MNIST_DIR]");
            System.exit(2);
        }
        BenchConfig config = ResultsJson.parseConfig(args[0]);
        Path data = args.length > 1 ? Path.of(args[1]) : null;
        RunResult row = new OrrerySparkRunner(data, null).runHere(config);
        System.out.println(ResultsJson.LINE_PREFIX + ResultsJson.toLine(row));
        System.exit(0);
    }
}
