package io.orrery.examples.bench;

import io.orrery.spark.ShardPlacement;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A grid point's place on the namespace test bed ({@code deploy/testbed.sh}), written in the row's master column as
 * {@code testbed[HOSTS,RATE,PLACEMENT]}, e.g. {@code testbed[2,1gbit,colocated]}: the bed's worker hosts, the rate
 * every host's link is capped at, and where the parameter server's shards run. The master column names where a run
 * trained, so rows on two rates or placements stay two rows of {@code results.json} without a new column.
 *
 * @param hosts     worker hosts of the bed (a run may use fewer workers than there are hosts)
 * @param rate      tc rate of each host's link, e.g. {@code 1gbit}, {@code 10gbit}, {@code 400mbit}
 * @param placement where the shards run
 */
public record TestbedMaster(int hosts, String rate, ShardPlacement placement) {

    /** The master column's prefix for test-bed rows. */
    public static final String PREFIX = "testbed[";

    private static final Pattern FORM = Pattern.compile("testbed\\[(\\d+),(\\d+(?:gbit|mbit|kbit)),(driver|colocated)]");
    private static final Pattern RATE = Pattern.compile("(\\d+)(gbit|mbit|kbit)");

    public TestbedMaster {
        if (hosts < 1) {
            throw new IllegalArgumentException("A test bed needs at least one worker host, found " + hosts);
        }
        bitsPerSecond(rate);
    }

    /** Whether a row's master names the test bed. */
    public static boolean isTestbed(String master) {
        return master.startsWith(PREFIX);
    }

    /** Parses {@code testbed[HOSTS,RATE,PLACEMENT]}. */
    public static TestbedMaster parse(String master) {
        Matcher m = FORM.matcher(master.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("Expected a test-bed master such as testbed[2,1gbit,driver]"
                    + " (hosts, a rate in gbit/mbit/kbit, driver or colocated), found \"" + master + "\"");
        }
        return new TestbedMaster(Integer.parseInt(m.group(1)), m.group(2),
                ShardPlacement.valueOf(m.group(3).toUpperCase(Locale.ROOT)));
    }

    /** Link rate in bits per second of a tc rate such as {@code 1gbit} or {@code 400mbit}. */
    public static double bitsPerSecond(String rate) {
        Matcher m = RATE.matcher(rate == null ? "" : rate.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid link rate: expected a number followed by gbit, mbit or kbit"
                    + " (e.g. 1gbit, 10gbit, 400mbit), received \"" + rate + "\"");
        }
        double n = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "gbit" -> n * 1e9;
            case "mbit" -> n * 1e6;
            default -> n * 1e3;
        };
    }

    /** The row's master column. */
    public String master() {
        return PREFIX + hosts + "," + rate + "," + placement.name().toLowerCase(Locale.ROOT) + "]";
    }

    /** Link rate of every host, bits per second. */
    public double bitsPerSecond() {
        return bitsPerSecond(rate);
    }
}
