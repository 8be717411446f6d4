/**
 * Optimizers that update flat parameter buffers in place (Keras 3's formulas, defaults and names), their state, and
 * learning-rate schedules.
 *
 * <p>An optimizer works on any contiguous slice: a parameter-server shard applies it to its own slice with its own
 * {@link io.orrery.core.optimizers.OptimizerState}, and the result equals applying it to the whole buffer. Each
 * formula exists twice: as ND4J ops (any backend and type) and as one fused float32 loop over host memory, which the
 * CPU backend uses because it is several times faster there (see {@code OptimizerStepBenchmark}).
 */
package io.orrery.core.optimizers;
