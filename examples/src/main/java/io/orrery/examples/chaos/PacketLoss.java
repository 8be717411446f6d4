package io.orrery.examples.chaos;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Packet loss on every UDP data and control stream, made by Aeron's own loss generators: each media driver (the
 * server's and every worker's) uses the debug receive channel endpoint of {@code io.aeron.driver.ext}, which drops
 * the given fraction of the data frames and of the control frames (status messages, NAKs) it receives.
 */
final class PacketLoss implements Scenario {

    private final double rate;

    PacketLoss(double rate) {
        this.rate = rate;
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "udp-loss-%.0fpct", rate * 100);
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "%.0f%% of UDP data and control frames dropped on receipt in every media"
                + " driver (aeron.debug.receive.*.loss.rate)", rate * 100);
    }

    @Override
    public ChaosJob.Settings adapt(ChaosJob.Settings base) {
        return base.withProperties(List.of(
                "-Daeron.ReceiveChannelEndpoint.supplier=io.aeron.driver.ext.DebugReceiveChannelEndpointSupplier",
                "-Daeron.debug.receive.data.loss.rate=" + rate,
                "-Daeron.debug.receive.data.loss.seed=7",
                "-Daeron.debug.receive.control.loss.rate=" + rate,
                "-Daeron.debug.receive.control.loss.seed=11"));
    }

    @Override
    public String inject(ChaosJob job, Random random) {
        return "";
    }
}
