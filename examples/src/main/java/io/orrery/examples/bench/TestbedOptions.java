package io.orrery.examples.bench;

import io.orrery.spark.ShardPlacement;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code bench}'s options for {@code --paths testbed} and the rows they add: Orrery on the namespace test bed, one
 * bed per rate (its hosts: the largest worker count, so that the bed comes up once per rate), each placement and
 * worker count within it.
 */
final class TestbedOptions {

    /** The path name of rows on the namespace test bed (their master: {@link TestbedMaster}). */
    static final String PATH = "testbed";
    private static final Set<String> PLACEMENTS = Set.of("driver", "colocated");

    @Option(names = "--testbed-rates", split = ",", defaultValue = "1gbit,10gbit",
            description = "Link rates of the test bed's hosts, one bed per rate (default: ${DEFAULT-VALUE}).")
    List<String> rates = List.of("1gbit", "10gbit");

    @Option(names = "--placements", split = ",", defaultValue = "driver",
            description = "Where the shards run on the test bed: driver and/or colocated (one shard on each"
                    + " executor) (default: ${DEFAULT-VALUE}).")
    List<String> placements = List.of("driver");

    /** What is wrong with the options when {@code paths} has the test bed, as a usage error; empty when nothing. */
    Optional<String> validate(List<String> paths, List<String> modes) {
        if (!paths.contains(PATH)) {
            return Optional.empty();
        }
        for (String r : rates) {
            try {
                TestbedMaster.bitsPerSecond(r);
            } catch (IllegalArgumentException e) {
                return Optional.of("Invalid value for --testbed-rates: " + e.getMessage());
            }
        }
        for (String p : placements) {
            if (!PLACEMENTS.contains(p)) {
                return Optional.of("Invalid value for --placements: expected driver and/or colocated, received \""
                        + p + "\"");
            }
        }
        if (placements.contains("colocated") && modes.stream().anyMatch(m -> !"sync".equals(m))) {
            return Optional.of("Invalid combination: --placements colocated supports --modes sync only, received"
                    + " --modes " + String.join(",", modes) + "; run the other modes with --placements driver");
        }
        return Optional.empty();
    }

    /** Adds the test bed's rows of {@code system} to the grid, rate by rate: Orrery's; no other system has any. */
    void addRuns(List<BenchConfig> grid, String system, List<Integer> workers, List<String> modes,
                 List<String> encodings, int batch, int epochs) {
        if (!BenchConfig.ORRERY.equals(system)) {
            return;
        }
        int hosts = workers.stream().mapToInt(Integer::intValue).max().orElse(1);
        for (String rate : rates) {
            for (String placement : placements) {
                String master = new TestbedMaster(hosts, rate.toLowerCase(Locale.ROOT),
                        ShardPlacement.valueOf(placement.toUpperCase(Locale.ROOT))).master();
                for (String mode : modes) {
                    for (String enc : encodings) {
                        for (int n : workers) {
                            grid.add(new BenchConfig(BenchConfig.ORRERY, master, n, mode, enc, batch, 1, epochs));
                        }
                    }
                }
            }
        }
    }
}
