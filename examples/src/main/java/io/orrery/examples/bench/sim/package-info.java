/**
 * An analytic model of one synchronous data-parallel training step, used by {@code bench} to predict throughput
 * and parallel efficiency beyond the machine it runs on (8 to 256 workers, 10/25/100 Gbit/s), for Orrery's sharded
 * parameter server and, for comparison, ring all-reduce. {@link io.orrery.examples.bench.sim.StepSimulator#ASSUMPTIONS}
 * lists what the model leaves out; {@link io.orrery.examples.bench.sim.Calibration} fits it to measured runs and
 * reports how far its prediction is from a measured point.
 */
package io.orrery.examples.bench.sim;
