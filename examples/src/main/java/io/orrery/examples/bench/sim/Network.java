package io.orrery.examples.bench.sim;

/**
 * One network link per host, full duplex.
 *
 * @param gbitPerSecond   line rate in Gbit/s (10, 25, 100, ...)
 * @param latencySeconds  one-way latency of a message, seconds (switch + stack; ~10-50 us in a data centre)
 * @param efficiency      fraction of the line rate a bulk transfer achieves (framing, UDP/IP headers, pacing)
 */
public record Network(double gbitPerSecond, double latencySeconds, double efficiency) {

    /** Typical achieved fraction of line rate for large UDP transfers with 1408-byte Aeron frames. */
    public static final double DEFAULT_EFFICIENCY = 0.9;
    /** Typical one-way latency inside a rack. */
    public static final double DEFAULT_LATENCY_SECONDS = 25e-6;

    public Network {
        if (!(gbitPerSecond > 0) || latencySeconds < 0 || !(efficiency > 0 && efficiency <= 1)) {
            throw new IllegalArgumentException("Invalid network: expected gbitPerSecond > 0, latencySeconds >= 0,"
                    + " efficiency in (0, 1], found " + gbitPerSecond + ", " + latencySeconds + ", " + efficiency);
        }
    }

    /** A data-centre link of the given line rate with the default latency and efficiency. */
    public static Network ofGbit(double gbitPerSecond) {
        return new Network(gbitPerSecond, DEFAULT_LATENCY_SECONDS, DEFAULT_EFFICIENCY);
    }

    /** Achieved payload bytes per second. */
    public double bytesPerSecond() {
        return gbitPerSecond * 1e9 / 8 * efficiency;
    }
}
