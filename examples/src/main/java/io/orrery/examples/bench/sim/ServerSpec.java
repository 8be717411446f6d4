package io.orrery.examples.bench.sim;

/**
 * Placement and speed of Orrery's parameter server.
 *
 * @param shards          parameter-server shards (the flat parameter vector is cut into this many slices); for
 *                        {@link Placement#COLOCATED} the worker count decides, and this is ignored
 * @param hosts           distinct hosts (NICs) the shards run on; 1 = all shards in the driver (the default)
 * @param floatsPerSecond floats one host adds or updates per second while aggregating and applying the optimizer
 * @param placement       where the shards run
 */
public record ServerSpec(int shards, int hosts, double floatsPerSecond, Placement placement) {

    /** Memory-bound summing/updating of float arrays on one server core, conservatively. */
    public static final double DEFAULT_FLOATS_PER_SECOND = 1e9;

    /** Shards on {@code hosts} hosts: the driver when that is 1, else hosts of their own. */
    public ServerSpec(int shards, int hosts, double floatsPerSecond) {
        this(shards, hosts, floatsPerSecond, hosts == 1 ? Placement.DRIVER : Placement.SEPARATE_HOSTS);
    }

    public ServerSpec {
        if (shards < 1 || hosts < 1 || hosts > shards || !(floatsPerSecond > 0) || placement == null) {
            throw new IllegalArgumentException("Invalid server: expected shards >= 1, 1 <= hosts <= shards,"
                    + " floatsPerSecond > 0, found shards=" + shards + " hosts=" + hosts
                    + " floatsPerSecond=" + floatsPerSecond);
        }
    }

    /** {@code shards} shards spread over as many hosts, at the default speed. */
    public static ServerSpec spread(int shards) {
        return new ServerSpec(shards, shards, DEFAULT_FLOATS_PER_SECOND);
    }

    /** {@code shards} shards all in the driver JVM. */
    public static ServerSpec inDriver(int shards) {
        return new ServerSpec(shards, 1, DEFAULT_FLOATS_PER_SECOND);
    }

    /** One shard on every worker host (the worker count is the shard count). */
    public static ServerSpec colocated() {
        return new ServerSpec(1, 1, DEFAULT_FLOATS_PER_SECOND, Placement.COLOCATED);
    }
}
