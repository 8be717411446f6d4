package io.orrery.examples.bench;

import io.orrery.examples.bench.sim.WireEncoding;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.util.List;
import java.util.function.Function;

/** {@code bench}'s options for the simulator's predictions beyond this machine (a picocli mixin). */
final class SimulationOptions {

    @Option(names = "--simulate-workers", split = ",", defaultValue = "8,16,32,64,128,256",
            description = "Worker counts the simulator predicts (default: ${DEFAULT-VALUE}).")
    List<Integer> simulateWorkers;

    @Option(names = "--simulate-gbits", split = ",", defaultValue = "10,25,100",
            description = "Link rates in Gbit/s the simulator predicts (default: ${DEFAULT-VALUE}).")
    List<Double> simulateGbits;

    @Option(names = "--simulate-shards", defaultValue = "4",
            description = "Parameter-server shards (one host each) in the simulation (default: ${DEFAULT-VALUE}).")
    int simulateShards;

    @Option(names = "--simulate-encoding", defaultValue = "float32",
            description = "Gradient encoding in the simulation (default: ${DEFAULT-VALUE}).")
    String simulateEncoding;

    @Option(names = "--compute-us-per-sample",
            description = "Compute time per sample (microseconds) for the simulation when the grid has no 1-worker"
                    + " Orrery run to fit it from; e.g. a GPU's figure.")
    Double computeUsPerSample;

    @Option(names = "--no-simulation", description = "Leave the simulation out of the report.")
    boolean noSimulation;

    /** Range checks of the options, each failure named by {@code bad}. */
    void validate(Function<String, ParameterException> bad) {
        if (simulateShards < 1) {
            throw bad.apply("Invalid value for --simulate-shards: expected >= 1, received " + simulateShards);
        }
        for (double g : simulateGbits) {
            if (!(g > 0)) {
                throw bad.apply("Invalid value for --simulate-gbits: expected link rates > 0 Gbit/s, received " + g);
            }
        }
        if (computeUsPerSample != null && !(computeUsPerSample > 0)) {
            throw bad.apply("Invalid value for --compute-us-per-sample: expected > 0, received " + computeUsPerSample);
        }
    }

    /** The simulation of the grid's batch (128 per worker where the grid has it, else its first). */
    SimulationBuilder builder(List<Integer> batchSizes) {
        int b = batchSizes.contains(128) ? 128 : batchSizes.get(0);
        return new SimulationBuilder(simulateWorkers, simulateGbits, simulateShards,
                WireEncoding.parse(simulateEncoding), b,
                computeUsPerSample == null ? null : computeUsPerSample * 1e-6);
    }
}
